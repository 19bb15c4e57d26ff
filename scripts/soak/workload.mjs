// The soak workload on one store: writers with conflict retries, stream readers checking what they read, and a
// global-log tailer (where the backend keeps a global order). What was acknowledged is kept in a constant-size
// ledger (per stream: head, event count, a sum of id hashes), so the harness itself does not grow the heap.
import { comparePositions } from '@streamstore/core';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Lets the harness stop the workload between operations (every writer, reader and the tailer brackets each
 * operation with `enter`/`leave`), so heap samples are taken with the same, empty set of operations in flight.
 */
export class Gate {
  #paused;
  #release;
  #drained;
  #inFlight = 0;

  async enter() {
    while (this.#paused) await this.#paused;
    this.#inFlight++;
  }

  leave() {
    this.#inFlight--;
    if (this.#inFlight === 0) this.#drained?.();
  }

  /** Runs `task` while no operation is in flight. */
  async quiet(task) {
    this.#paused = new Promise((resolve) => {
      this.#release = resolve;
    });
    if (this.#inFlight > 0) await new Promise((resolve) => (this.#drained = resolve));
    this.#drained = undefined;
    try {
      return await task();
    } finally {
      const release = this.#release;
      this.#paused = undefined;
      release();
    }
  }
}

/** A small seeded PRNG (mulberry32): runs are repeatable for a given --seed. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/** FNV-1a of a string (32 bits): the ledger sums these per stream to compare id sets without keeping them. */
export function hashId(id) {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** What was acknowledged, per stream, in fixed-size arrays. */
export class Ledger {
  constructor(streams) {
    this.head = new Float64Array(streams);
    this.count = new Float64Array(streams);
    this.hash = new Uint32Array(streams);
  }

  acknowledge(stream, revision, events) {
    this.head[stream] = Math.max(this.head[stream], revision);
    this.count[stream] += events.length;
    for (const event of events) this.hash[stream] = (this.hash[stream] + hashId(event.id)) >>> 0;
  }
}

export const streamName = (index) => `soak-${index}`;
const streamIndex = (streamId) => Number(streamId.slice('soak-'.length));

/**
 * Checks that `event` continues the commit structure after `previous` (same read): events of one commit carry the
 * same (w, seq) and k = 0..n-1 at consecutive revisions, so a partial or interleaved commit shows up here.
 */
export function continuesCommit(previous, event) {
  const p = previous.data;
  const e = event.data;
  if (e.k > 0) return p.w === e.w && p.seq === e.seq && p.k === e.k - 1;
  return p.k === p.n - 1;
}

/**
 * Waits for the next commit slot under `rate` commits/s (shared by all writers), or, unthrottled, for the next turn
 * of the event loop: a backend that answers synchronously (memory, SQLite) would otherwise starve the readers, the
 * tailer and the report timer, as it would starve a server's other requests.
 */
function pacer(rate) {
  if (!rate) return nextTurn;
  let next = performance.now();
  return () => {
    next = Math.max(next + 1000 / rate, performance.now() - 1000); // at most one second of catch-up burst
    const wait = next - performance.now();
    return wait > 1 ? sleep(wait) : nextTurn();
  };
}

/** Runs writers, readers and the tailer on `store` until `until()` is true; resolves when all have stopped. */
export async function runWorkload(store, { writers, readers, streams, seed, rate, stats, until, ledger, gate = new Gate() }) {
  const known = new Float64Array(streams);
  const pace = pacer(rate);

  const writer = async (w) => {
    const random = prng(seed * 1_000 + w);
    // Each writer acts as a process of its own with its own, often stale, idea of the heads (as an aggregate
    // loaded a while ago): it catches up with the latest acknowledged head only now and then.
    const view = new Float64Array(streams);
    for (let seq = 0; !until(); seq++) {
      await pace();
      const s = random.int(streams);
      if (random.next() < 0.7) view[s] = Math.max(view[s], known[s]);
      const n = 1 + random.int(4);
      const pad = 'x'.repeat(random.int(200));
      const events = Array.from({ length: n }, (_, k) => ({
        id: `w${w}-${seq}-${k}`,
        type: 'SoakEvent',
        data: { w, seq, k, n, pad },
      }));
      // Mostly an expected revision from what this process saw last (often stale: conflicts), sometimes 'any'.
      let expected = random.next() < 0.1 ? 'any' : view[s];
      await gate.enter();
      for (let attempt = 0; ; attempt++) {
        const started = performance.now();
        try {
          const { revision } = await store.append(streamName(s), expected, events);
          stats.recordCommit((performance.now() - started) * 1000, n);
          ledger.acknowledge(s, revision, events);
          known[s] = Math.max(known[s], revision);
          view[s] = revision;
          break;
        } catch (error) {
          if (error?.code === 'STREAM_CONCURRENCY') {
            // A user-style retry: take the actual revision and try again, a few times.
            stats.conflicts++;
            view[s] = error.actual;
            expected = error.actual;
            if (attempt < 5) continue;
            stats.gaveUp++;
          } else stats.recordError(error);
          break;
        }
      }
      gate.leave();
    }
  };

  const reader = async (r) => {
    const random = prng(seed * 1_000 + 500 + r);
    while (!until()) {
      const s = random.int(streams);
      const head = known[s];
      if (head === 0) {
        await sleep(5);
        continue;
      }
      const backward = random.next() < 0.3;
      const from = backward ? head : 1 + random.int(Math.max(1, head - 100));
      await gate.enter();
      const started = performance.now();
      try {
        let previous;
        let expectedRevision = from;
        for await (const event of store.read(streamName(s), {
          from,
          direction: backward ? 'backward' : 'forward',
          maxCount: 100,
        })) {
          if (event.revision !== expectedRevision) {
            stats.problem(`reader: ${event.streamId} gave revision ${event.revision}, expected ${expectedRevision}`);
            break;
          }
          const [before, after] = backward ? [event, previous] : [previous, event];
          if (previous && !continuesCommit(before, after)) {
            stats.problem(`reader: ${event.streamId} revisions ${before.revision}/${after.revision} break a commit apart`);
          }
          previous = event;
          expectedRevision += backward ? -1 : 1;
        }
        stats.recordRead((performance.now() - started) * 1000);
      } catch (error) {
        stats.recordError(error);
      } finally {
        gate.leave();
      }
      await nextTurn();
    }
  };

  // The tailer follows the global log: positions strictly increase, and each stream's revisions arrive as 1, 2, 3...
  // (a tailer that skipped a late-committing event would see a gap). Once every writer has returned, it reads until
  // an empty page: then it has seen every commit.
  const tailed = new Float64Array(streams);
  let writersDone = false;
  const tailer = async () => {
    let from;
    for (;;) {
      const stopped = writersDone;
      let got = 0;
      await gate.enter();
      try {
        for await (const event of store.readAll({ from, maxCount: 1_000 })) {
          const s = streamIndex(event.streamId);
          if (event.revision !== tailed[s] + 1) {
            stats.problem(`tailer: ${event.streamId} revision ${event.revision} after ${tailed[s]}`);
          }
          tailed[s] = event.revision;
          if (from !== undefined && comparePositions(event.position, from) <= 0) {
            stats.problem(`tailer: position ${event.position} not after ${from}`);
          }
          from = event.position;
          got++;
          stats.tailed++;
        }
      } catch (error) {
        stats.recordError(error);
        await sleep(100);
      } finally {
        gate.leave();
      }
      if (got === 0) {
        if (stopped) return;
        await sleep(20);
      } else await nextTurn();
    }
  };

  const hasLog = store.capabilities.globalOrder;
  const tailing = hasLog ? tailer() : undefined;
  await Promise.all([
    ...Array.from({ length: writers }, (_, w) => writer(w)),
    ...Array.from({ length: readers }, (_, r) => reader(r)),
  ]);
  writersDone = true;
  await tailing;
  return { tailed: hasLog ? tailed : undefined };
}
