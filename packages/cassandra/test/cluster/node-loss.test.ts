import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createStreamStore, StorageUnavailableError, type StreamStore } from '@streamstore/core';
import cassandra from 'cassandra-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { cassandraStorage } from '../../src/index.js';
import { uniqueKeyspace, uniqueTable } from '../helpers.js';
import { CLUSTER, CLUSTER_PORT, CONSISTENCY, dropClusterKeyspaces, REPLICATION } from './cluster.js';

// 8 writers (each on its own stream, every commit with the exact expected revision) and a reader run against the
// 3-node cluster while one node is SIGKILLed, stays down 20 s and comes back; then the same with another node. At the
// end every acknowledged commit must be readable at QUORUM through each node as coordinator, exactly once, with
// contiguous revisions. Then, with two nodes down, a commit must fail with StorageUnavailableError.

const WRITERS = 8;
const DOWN_MS = 20_000;
const PHASE_MS = 10_000;
const WARM_UP_MS = 5_000;
const scripts = fileURLToPath(new URL('../../../../scripts/services/cassandra-cluster/', import.meta.url));
const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const keyspace = uniqueKeyspace('closs');
const table = uniqueTable();

/** Runs a cluster script without blocking the event loop (the writers keep going meanwhile). */
async function script(name: string, ...args: string[]): Promise<number> {
  const started = Date.now();
  const { stdout, stderr } = await execFileAsync('bash', [`${scripts}${name}`, ...args], { timeout: 300_000 });
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  return Date.now() - started;
}

const reconnectFast = () => ({
  // Reconnect to a node that came back within a second (the default backs off up to minutes).
  reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(500),
});

function storage(extra: Record<string, unknown> = {}) {
  return cassandraStorage({
    ...CLUSTER,
    keyspace,
    table,
    replication: { ...REPLICATION },
    consistency: { ...CONSISTENCY },
    clientOptions: { ...CLUSTER_PORT, policies: reconnectFast() },
    ...extra,
  });
}

/** A storage whose every request is coordinated by node `n` (127.0.0.n). */
function pinnedStorage(n: number) {
  const address = `127.0.0.${n}:19042`;
  const client = new cassandra.Client({
    contactPoints: [address],
    localDataCenter: CLUSTER.localDataCenter,
    ...CLUSTER_PORT,
    policies: {
      loadBalancing: new cassandra.policies.loadBalancing.AllowListPolicy(
        new cassandra.policies.loadBalancing.RoundRobinPolicy(),
        [address],
      ),
      ...reconnectFast(),
    },
  });
  return { client, storage: storage({ client }) };
}

interface Ack {
  writer: number;
  ids: string[];
  revision: number;
  at: number;
}

/**
 * The whole stream, read again from the start if the read fails with StorageUnavailableError (a replica that has
 * just come back may time out while it warms up); a read is idempotent.
 */
async function readAll(store: StreamStore, streamId: string): Promise<{ ids: string[]; revisions: number[] }> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ids: string[] = [];
    const revisions: number[] = [];
    try {
      for await (const event of store.read(streamId)) {
        ids.push(event.id);
        revisions.push(event.revision);
      }
      return { ids, revisions };
    } catch (error) {
      if (!(error instanceof StorageUnavailableError) || Date.now() > deadline) throw error;
      console.info(`[node-loss] reading ${streamId} again after: ${error.message.split('\n', 1)[0]}`);
      await sleep(1000);
    }
  }
}

const stores: StreamStore[] = [];
const clients: cassandra.Client[] = [];
/** Nodes this test killed and has not started again. */
const down = new Set<number>();

async function kill(node: number): Promise<void> {
  down.add(node);
  await script('kill-node.sh', String(node));
}

async function restart(node: number): Promise<void> {
  await script('start-node.sh', String(node));
  down.delete(node);
}

afterAll(async () => {
  // Nodes 1 and 3 are left down (restarting them costs minutes on the loaded 2-core box; whatever runs next calls
  // start.sh, which starts whichever node is not running). Node 2 is started again only if the test failed while it
  // was down: start-node.sh on a running node 2 with 1 and 3 down would wait its whole timeout for a quorum.
  for (const store of stores) await store.close().catch(() => {});
  for (const client of clients) await client.shutdown().catch(() => {});
  if (down.has(2)) await restart(2).catch(() => {});
  await dropClusterKeyspaces(keyspace).catch((e) => console.error(`[node-loss] keyspace not dropped: ${e}`));
}, 600_000);

describe('3-node cluster: a node lost mid-run', () => {
  it('keeps committing with 2 of 3 replicas, lands every commit exactly once, and refuses with 2 nodes down', async () => {
    const store = await createStreamStore({ storage: storage(), provisionSchema: true });
    stores.push(store);

    const acks: Ack[] = [];
    const unknownOutcomes: string[] = [];
    const retriedAttempts = { count: 0 };
    let readerPasses = 0;
    let readerErrors = 0;
    let stop = false;

    async function writer(w: number): Promise<void> {
      const stream = `writer-${w}`;
      let revision = 0;
      for (let seq = 1; !stop; seq++) {
        const size = 1 + (seq % 3);
        const ids = Array.from({ length: size }, (_, k) => `${w}-${seq}-${k}`);
        const events = ids.map((id) => ({ id, type: 'Tick', data: { w, seq } }));
        const expected = revision === 0 ? 'no-stream' : revision;
        // The same commit (same ids, same expected revision) until it is acknowledged: idempotent retries.
        for (let attempt = 0; ; attempt++) {
          try {
            const result = await store.append(stream, expected, events);
            revision = result.revision;
            acks.push({ writer: w, ids, revision: result.revision, at: Date.now() });
            if (attempt > 0) retriedAttempts.count++;
            break;
          } catch (error) {
            if (!(error instanceof StorageUnavailableError)) throw error;
            if (/unknown/i.test(error.message)) unknownOutcomes.push(`${stream}@${expected}: ${error.message.split('\n', 1)[0]}`);
            await sleep(200);
          }
        }
      }
    }

    async function reader(): Promise<void> {
      while (!stop) {
        const w = readerPasses % WRITERS;
        try {
          const seen: number[] = [];
          for await (const event of store.read(`writer-${w}`)) seen.push(event.revision);
          // What is read is a contiguous prefix 1..n, and holds every commit acknowledged before the read began.
          expect(seen).toEqual(seen.map((_, i) => i + 1));
          readerPasses++;
        } catch (error) {
          if (!(error instanceof StorageUnavailableError)) throw error;
          readerErrors++;
          await sleep(200);
        }
      }
    }

    const started = Date.now();
    const running = Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), reader()]);
    // A writer failing with anything but StorageUnavailableError ends the run at once.
    const failed = running.then(
      () => undefined,
      (error) => {
        stop = true;
        return error as unknown;
      },
    );
    const phases: Array<{ name: string; from: number; to: number }> = [];
    const phase = async (name: string, work: () => Promise<unknown>) => {
      const from = Date.now();
      await work();
      phases.push({ name, from, to: Date.now() });
    };

    await sleep(WARM_UP_MS); // prepared statements, connections, JIT: not part of the "before" rate
    await phase('before', () => sleep(PHASE_MS));
    for (const node of [1, 2]) {
      await phase(`node ${node} down (20 s + restart)`, async () => {
        await kill(node);
        await sleep(DOWN_MS);
        await restart(node);
      });
      await phase(`after node ${node} is back`, () => sleep(PHASE_MS));
    }
    stop = true;
    const failure = await failed;
    if (failure) throw failure;

    const rate = (from: number, to: number) => acks.filter((ack) => ack.at >= from && ack.at < to).length / ((to - from) / 1000);
    console.info(`[node-loss] ${acks.length} commits by ${WRITERS} writers in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    for (const p of phases) {
      console.info(
        `[node-loss] ${p.name.padEnd(28)} ${((p.to - p.from) / 1000).toFixed(1).padStart(5)} s  ${rate(p.from, p.to).toFixed(1).padStart(6)} commits/s`,
      );
    }
    console.info(
      `[node-loss] commits acknowledged after a retry: ${retriedAttempts.count}; unknown outcomes reported: ${unknownOutcomes.length}; ` +
        `reader: ${readerPasses} full reads, ${readerErrors} unavailable`,
    );
    for (const line of unknownOutcomes.slice(0, 5)) console.info(`[node-loss]   ${line}`);
    // Commits kept succeeding while a node was down.
    for (const p of phases.filter((x) => x.name.includes('down'))) expect(rate(p.from, p.to)).toBeGreaterThan(0);

    // Every acknowledged commit, exactly once, contiguous, at QUORUM through each node as the coordinator.
    const expectedIds = new Map<number, string[]>();
    for (let w = 0; w < WRITERS; w++) {
      const mine = acks.filter((ack) => ack.writer === w).sort((a, b) => a.revision - b.revision);
      expectedIds.set(
        w,
        mine.flatMap((ack) => ack.ids),
      );
      // Each acknowledged revision ends where the next commit starts: no commit acknowledged twice or skipped.
      let head = 0;
      for (const ack of mine) {
        expect(ack.revision).toBe(head + ack.ids.length);
        head = ack.revision;
      }
    }
    for (const node of [1, 2, 3]) {
      const pinned = pinnedStorage(node);
      clients.push(pinned.client);
      const reader = await createStreamStore({ storage: pinned.storage });
      stores.push(reader);
      for (let w = 0; w < WRITERS; w++) {
        const { ids, revisions } = await readAll(reader, `writer-${w}`);
        expect(ids, `writer-${w} read through node ${node}`).toEqual(expectedIds.get(w));
        expect(new Set(ids).size).toBe(ids.length);
        expect(revisions).toEqual(revisions.map((_, i) => i + 1));
      }
    }

    // Two nodes down: no quorum. A commit fails with StorageUnavailableError, never a silent success.
    await kill(1);
    await kill(3);
    const last = acks.filter((ack) => ack.writer === 0).at(-1)?.revision ?? 0;
    // Until the coordinator's failure detector convicts the dead nodes, its Paxos round times out: the outcome is
    // reported unknown (StorageUnavailableError, retry with the same ids). Once they are convicted the coordinator
    // refuses up front (Unavailable): nothing was written. Never a success. The refusal may come from the append's
    // first step, a QUORUM read ("find events", "Not enough replicas"), before anything is sent for writing.
    const refusals: string[] = [];
    let refused: unknown;
    const convictedBy = Date.now() + 90_000;
    for (;;) {
      refused = await store.append('writer-0', last, [{ id: 'no-quorum', type: 'Tick', data: {} }]).catch((e) => e);
      expect(refused).toBeInstanceOf(StorageUnavailableError);
      const message = String((refused as Error).message).split('\n', 1)[0] as string;
      refusals.push(message);
      if (/nothing was written|Not enough replicas/.test(message) || Date.now() > convictedBy) break;
      await sleep(1000);
    }
    for (const message of new Set(refusals))
      console.info(`[node-loss] with 2 of 3 nodes down: StorageUnavailableError: ${message}`);
    expect((refused as Error).message).toMatch(/nothing was written|Not enough replicas/);
    const refusedRead = await store.getStream('writer-0').catch((e) => e);
    expect(refusedRead).toBeInstanceOf(StorageUnavailableError);

    // Nothing of it was written: node 2, the only node alive since before the first attempt and so the only one that
    // could have taken any write, holds the stream as it was (read at ONE through node 2).
    const survivor = pinnedStorage(2);
    clients.push(survivor.client);
    const survivorStore = await createStreamStore({
      storage: cassandraStorage({ ...CLUSTER, keyspace, table, consistency: { read: 'ONE' }, client: survivor.client }),
    });
    stores.push(survivorStore);
    expect((await readAll(survivorStore, 'writer-0')).ids).toEqual(expectedIds.get(0));
    // Two restarts of 150-300 s each on the loaded 2-core box (start-node.sh gives up after 300 s), up to 90 s for
    // the refusal: 600 s was too short once (the test timed out in the refusal phase after 440 s of restarts).
  }, 1_200_000);
});
