// Cassandra backend benchmark: append throughput and latency (1/10/100 events per commit, 1 and 8 concurrent writers,
// each on its own stream with a known expected revision), stream read throughput, and a baseline: the same rows
// written by the raw driver as a plain (unconditional) single-partition batch at QUORUM, with as many writers, which
// shows what the lightweight transaction (Paxos: prepare/promise, read, propose/accept, commit) costs.
// Usage: npm run bench:cassandra [-- --json] [-- --seconds 3]
//        npm run bench:cassandra-cluster   (--cluster: the 3-node cluster of scripts/services/cassandra-cluster at
//        replication factor 3, QUORUM/SERIAL, 8 and 32 writers, 1 and 10 events per commit)
import { randomBytes } from 'node:crypto';
import { cassandraStorage } from '@streamstore/cassandra';
import { createStreamStore } from '@streamstore/core';
import cassandra from 'cassandra-driver';

const args = process.argv.slice(2);
const json = args.includes('--json');
const secondsArg = args.indexOf('--seconds');
const SECONDS = secondsArg >= 0 ? Number(args[secondsArg + 1]) : 3;
const CLUSTER = args.includes('--cluster');
// The cluster's nodes share one CQL port: the driver reaches every node it discovers on protocolOptions.port.
const CONNECTION = CLUSTER
  ? {
      contactPoints: ['127.0.0.1:19042', '127.0.0.2:19042', '127.0.0.3:19042'],
      localDataCenter: 'datacenter1',
      protocolOptions: { port: 19042 },
    }
  : { contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' };
const REPLICATION = { class: 'SimpleStrategy', replication_factor: CLUSTER ? 3 : 1 };
const WRITERS = CLUSTER ? [8, 32] : [1, 8];
const BATCHES = CLUSTER ? [1, 10] : [1, 10, 100];
const keyspace = `bench_${randomBytes(4).toString('hex')}`;
let tables = 0;

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
const makeEvent = (writer, n) => ({
  id: `w${writer}-${n}-${randomBytes(4).toString('hex')}`,
  type: 'BenchEvent',
  data: { writer, n, text: 'x'.repeat(200) },
});

async function openStore() {
  const { protocolOptions, ...connection } = CONNECTION;
  const storage = cassandraStorage({
    ...connection,
    keyspace,
    table: `t${++tables}`,
    replication: REPLICATION,
    ...(protocolOptions ? { clientOptions: { protocolOptions } } : {}),
  });
  return createStreamStore({ storage, provisionSchema: true });
}

async function appendLoop(store, writer, batchSize, seconds) {
  const latencies = [];
  let events = 0;
  let revision = 0;
  const stream = `bench-${writer}-${randomBytes(3).toString('hex')}`;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const batch = Array.from({ length: batchSize }, (_, i) => makeEvent(writer, revision + i));
    const started = performance.now();
    revision = (await store.append(stream, revision, batch)).revision;
    latencies.push(performance.now() - started);
    events += batchSize;
  }
  return { latencies, events, stream };
}

function summarize(workload, batchSize, writers, runs, seconds) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const events = runs.reduce((sum, r) => sum + r.events, 0);
  return {
    workload,
    batchSize,
    writers,
    commitsPerSecond: latencies.length / seconds,
    eventsPerSecond: events / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

async function appendBench(batchSize, writers) {
  const store = await openStore();
  const runs = await Promise.all(Array.from({ length: writers }, (_, w) => appendLoop(store, w, batchSize, SECONDS)));
  await store.close();
  return summarize(`append (LWT batch), ${writers} writer${writers > 1 ? 's' : ''}`, batchSize, writers, runs, SECONDS);
}

async function readBench() {
  const store = await openStore();
  const total = 5000;
  let revision = 0;
  while (revision < total) {
    const batch = Array.from({ length: 100 }, (_, i) => makeEvent(0, revision + i));
    revision = (await store.append('read-me', revision, batch)).revision;
  }
  const latencies = [];
  let events = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    const started = performance.now();
    for await (const _ of store.read('read-me', { pageSize: 500 })) events++;
    latencies.push(performance.now() - started);
  }
  await store.close();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    workload: `read ${total} events forward (pages of 500)`,
    batchSize: total,
    writers: 1,
    commitsPerSecond: sorted.length / SECONDS,
    eventsPerSecond: events / SECONDS,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

// The same rows (event rows + id rows + head) as a plain single-partition batch: no Paxos, no conditions.
async function rawBatchBench(client, batchSize, writers) {
  const runs = await Promise.all(Array.from({ length: writers }, () => rawBatchLoop(client, batchSize)));
  return summarize(
    `baseline: raw driver, plain batch (no LWT), ${writers} writer${writers > 1 ? 's' : ''}`,
    batchSize,
    writers,
    runs,
    SECONDS,
  );
}

async function rawBatchLoop(client, batchSize) {
  const table = `"${keyspace}"."t1"`;
  const insertEvent = `INSERT INTO ${table} (stream_id, bucket, kind, seq, event_id, type, schema_version, format, data_text, event_time, recorded_at) VALUES (?, 0, 0, ?, ?, 'BenchEvent', 1, 'json', ?, ?, toTimestamp(now()))`;
  const insertId = `INSERT INTO ${table} (stream_id, bucket, kind, seq, event_id, revision) VALUES (?, 0, 1, 0, ?, ?)`;
  const head = `UPDATE ${table} SET head = ? WHERE stream_id = ? AND bucket = 0`;
  const stream = `raw-${randomBytes(3).toString('hex')}`;
  const latencies = [];
  let revision = 0;
  let events = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    const queries = [{ query: head, params: [String(revision + batchSize), stream] }];
    for (let i = 0; i < batchSize; i++) {
      const e = makeEvent(0, revision + i);
      queries.push({ query: insertEvent, params: [stream, String(revision + i + 1), e.id, JSON.stringify(e.data), new Date()] });
      queries.push({ query: insertId, params: [stream, e.id, String(revision + i + 1)] });
    }
    const started = performance.now();
    await client.batch(queries, { prepare: true, logged: true, consistency: cassandra.types.consistencies.quorum });
    latencies.push(performance.now() - started);
    revision += batchSize;
    events += batchSize;
  }
  return { latencies, events };
}

const results = [];
const client = new cassandra.Client(CONNECTION);
try {
  // Each row's baseline right after it, so drift on the nodes falls on both alike.
  for (const batchSize of BATCHES) {
    for (const writers of WRITERS) {
      results.push(await appendBench(batchSize, writers));
      results.push(await rawBatchBench(client, batchSize, writers));
    }
  }
  results.push(await readBench());
} finally {
  await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`, [], { readTimeout: 120_000 }).catch(() => {});
  await client.shutdown();
}

if (json) {
  console.log(JSON.stringify({ backend: CLUSTER ? 'cassandra-cluster' : 'cassandra', seconds: SECONDS, results }, null, 2));
} else {
  const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const where = CLUSTER ? '3-node local cluster, RF 3, QUORUM/SERIAL' : 'local single node';
  console.log(`Cassandra (${where}, ${SECONDS}s per row)\n`);
  console.log(
    `${'workload'.padEnd(56)} ${'batch'.padStart(5)} ${'commits/s'.padStart(10)} ${'events/s'.padStart(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
  );
  for (const r of results) {
    console.log(
      `${r.workload.padEnd(56)} ${String(r.batchSize).padStart(5)} ${fmt(r.commitsPerSecond).padStart(10)} ${fmt(r.eventsPerSecond).padStart(10)} ${fmt(r.p50Ms, 1).padStart(8)} ${fmt(r.p99Ms, 1).padStart(8)}`,
    );
  }
}
