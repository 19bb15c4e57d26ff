// Cassandra change feed benchmark (issue 22 item 3): how fast the feed reads and how far behind commits it delivers.
// 1. Backlog: 4 writers append BACKLOG events (EVENTS_PER_COMMIT per commit, each writer on its own streams), then one
//    reader reads the whole log from the start with readAll (pages of 1,000): feed read events/s.
// 2. Lag: 4 writers append for SECONDS while a subscription to 'all' (from 'end') runs; for every commit, the time
//    from its acknowledgement to the delivery of its last event: p50/p99/max (commit-to-delivery lag).
// Usage: npm run bench:cassandra-feed [-- --json] [-- --seconds 10] [-- --backlog 40000] [-- --settle 250]
import { randomBytes } from 'node:crypto';
import { cassandraStorage } from '@streamstore/cassandra';
import { createStreamStore } from '@streamstore/core';
import cassandra from 'cassandra-driver';

const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const json = args.includes('--json');
const SECONDS = arg('--seconds', 10);
const BACKLOG = arg('--backlog', 40_000);
const SETTLE = arg('--settle', 250);
const WRITERS = 4;
const EVENTS_PER_COMMIT = 10;
const CONNECTION = { contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' };
const keyspace = `bench_feed_${randomBytes(4).toString('hex')}`;
const table = 'events';
const changeFeed = { shards: 8, settleMs: SETTLE };

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
const batch = (phase, writer, n) =>
  Array.from({ length: EVENTS_PER_COMMIT }, (_, i) => ({
    id: `${phase}${writer}-${n}-${i}`,
    type: 'BenchEvent',
    data: { writer, n, i, text: 'x'.repeat(100) },
  }));

const open = (provisionSchema = false) =>
  createStreamStore({
    storage: cassandraStorage({ ...CONNECTION, keyspace, table, changeFeed, bucketSize: 10_000 }),
    provisionSchema,
  });

/** Runs WRITERS writers, each over 8 streams of its own, until `more()` says stop; calls onAck(position) per commit. */
async function write(phase, stores, more, onAck = () => {}) {
  let commits = 0;
  await Promise.all(
    stores.map(async (store, w) => {
      const heads = new Map();
      for (let n = 0; more(); n++) {
        // Each phase its own streams and ids (the same ids again would be idempotent retries, writing nothing).
        const stream = `${phase}-${w}-${n % 8}`;
        const head = heads.get(stream) ?? 0;
        const { revision, position } = await store.append(stream, head === 0 ? 'no-stream' : head, batch(phase, w, n));
        heads.set(stream, revision);
        onAck(position);
        commits++;
      }
    }),
  );
  return commits;
}

const setup = await open(true);
const stores = [setup, ...(await Promise.all(Array.from({ length: WRITERS - 1 }, () => open())))];
const results = {};
try {
  // 1. Backlog, then one full read.
  let written = 0;
  const writeStart = performance.now();
  const backlogLeft = () => {
    written += EVENTS_PER_COMMIT;
    return written <= BACKLOG;
  };
  await write('backlog', stores, backlogLeft);
  const writeSeconds = (performance.now() - writeStart) / 1000;
  const reader = await open();
  const readStart = performance.now();
  let read = 0;
  for await (const _ of reader.readAll({ pageSize: 1000 })) read++;
  const readSeconds = (performance.now() - readStart) / 1000;
  results.backlog = {
    events: read,
    writeEventsPerSecond: Math.round(BACKLOG / writeSeconds),
    readEventsPerSecond: Math.round(read / readSeconds),
    readSeconds: Number(readSeconds.toFixed(2)),
  };

  // 2. Live: commit-to-delivery lag of a subscription to 'all'.
  const acked = new Map();
  const lags = [];
  const subscription = reader.subscribe({
    to: 'all',
    from: 'end',
    pollIntervalMs: 20,
    batchSize: 1000,
    handler: (event) => {
      const at = acked.get(event.position);
      if (at !== undefined) lags.push(performance.now() - at);
    },
  });
  subscription.done?.catch((error) => console.error('subscription failed:', error));
  await subscription.caughtUp;
  const until = performance.now() + SECONDS * 1000;
  const commits = await write(
    'live',
    stores,
    () => performance.now() < until,
    (position) => acked.set(position, performance.now()),
  );
  const deadline = performance.now() + 10_000;
  while (lags.length < commits && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await subscription.stop();
  lags.sort((a, b) => a - b);
  results.live = {
    commits,
    delivered: lags.length,
    eventsPerSecond: Math.round((commits * EVENTS_PER_COMMIT) / SECONDS),
    lagMs: {
      p50: Math.round(percentile(lags, 50)),
      p99: Math.round(percentile(lags, 99)),
      max: Math.round(lags[lags.length - 1] ?? 0),
    },
  };
  await reader.close();
} finally {
  for (const store of stores) await store.close();
  const client = new cassandra.Client({ ...CONNECTION, socketOptions: { readTimeout: 120_000 } });
  await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`);
  await client.shutdown();
}

const settings = { writers: WRITERS, eventsPerCommit: EVENTS_PER_COMMIT, shards: changeFeed.shards, settleMs: SETTLE };
if (json) console.log(JSON.stringify({ settings, ...results }, null, 2));
else {
  console.log(
    `Cassandra change feed (${WRITERS} writers, ${EVENTS_PER_COMMIT} events/commit, ${changeFeed.shards} shards, settleMs ${SETTLE})`,
  );
  console.table({
    'backlog read': { events: results.backlog.events, 'events/s': results.backlog.readEventsPerSecond },
    'backlog write': { events: BACKLOG, 'events/s': results.backlog.writeEventsPerSecond },
  });
  const { lagMs } = results.live;
  console.table({
    'live (subscription to all)': {
      commits: results.live.commits,
      delivered: results.live.delivered,
      'events/s': results.live.eventsPerSecond,
      'lag p50 ms': lagMs.p50,
      'lag p99 ms': lagMs.p99,
      'lag max ms': lagMs.max,
    },
  });
}
