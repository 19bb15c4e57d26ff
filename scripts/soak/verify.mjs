// End-of-run checks: every stream read back against the ledger, the tailer's view of the global log, and memory.
import { continuesCommit, hashId, streamName } from './workload.mjs';

/**
 * Reads every stream in full and compares it with the ledger: revisions 1..N without gaps, N = the highest
 * acknowledged revision, the same number of events and the same sum of id hashes (so no acknowledged event is
 * missing and none is duplicated), ids unique, every commit whole. Returns a list of problems.
 */
export async function verifyStreams(store, ledger, streams, tailed) {
  const problems = [];
  for (let s = 0; s < streams; s++) {
    const ids = new Set();
    let revision = 0;
    let hash = 0;
    let previous;
    for await (const event of store.read(streamName(s), { pageSize: 500 })) {
      if (event.revision !== revision + 1) problems.push(`${event.streamId}: revision ${event.revision} after ${revision}`);
      revision = event.revision;
      if (ids.has(event.id)) problems.push(`${event.streamId}: event id ${event.id} twice`);
      ids.add(event.id);
      hash = (hash + hashId(event.id)) >>> 0;
      if (previous ? !continuesCommit(previous, event) : event.data.k !== 0) {
        problems.push(`${event.streamId}: commit broken at revision ${event.revision}`);
      }
      previous = event;
    }
    if (previous && previous.data.k !== previous.data.n - 1) problems.push(`${streamName(s)}: last commit is partial`);
    if (revision !== ledger.head[s]) {
      problems.push(`${streamName(s)}: head ${revision}, highest acknowledged revision ${ledger.head[s]}`);
    }
    if (ids.size !== ledger.count[s] || hash !== ledger.hash[s]) {
      problems.push(`${streamName(s)}: holds ${ids.size} events, ${ledger.count[s]} acknowledged (or different ids)`);
    }
    if (tailed && tailed[s] !== revision)
      problems.push(`${streamName(s)}: the tailer reached revision ${tailed[s]} of ${revision}`);
    if (problems.length > 50) break;
  }
  return problems;
}

/** heapUsed after several forced collections (needs node --expose-gc). */
export async function settledHeapUsed() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage().heapUsed;
}
