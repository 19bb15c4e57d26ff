// Outbox benchmark: events/s relayed from PostgreSQL and from SQLite to NATS JetStream and to RabbitMQ, and the
// end-to-end latency (commit resolved at the writer -> broker acknowledgement at the relay) p50/p99.
// Per backend x broker:
//   1. backlog: 4 writers append 10-event commits as fast as they can (N events), then the relay drains the backlog:
//      relay events/s = N / drain time (what the relay can do, the log already committed);
//   2. live: 4 writers of 10-event commits paced at half the backlog rate (capped by what the writers reached; or
//      --live-rate), the relay running; latency of every event, p50/p99/max.
// The backlog's writers share this process with the relay; the live writers run in a thread of their own with a store
// of their own (writers.worker.mjs), as an application beside its relay (2 cores on the reference machine, PostgreSQL
// and the brokers on it too).
// Brokers: the machine's NATS (127.0.0.1:4222, a stream of the bench's own, deleted after) and RabbitMQ ('/' vhost,
// a durable queue of the bench's own bound to amq.topic, deleted after).
// Usage: npm run bench:outbox [-- --json] [-- --events 40000] [-- --seconds 5] [-- --live-rate 10000]
//   [-- --only postgres:jetstream]   (--live-rate: the live phase's events/s instead of half the backlog rate)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import { createStreamStore } from '@streamstore/core';
import { startOutboxRelay } from '@streamstore/outbox';
import { natsPublisher } from '@streamstore/outbox/nats';
import { rabbitmqPublisher } from '@streamstore/outbox/rabbitmq';
import { postgresCheckpointStore, postgresConsumerLock, postgresDeadLetterStore, postgresStorage } from '@streamstore/postgres';
import { sqliteCheckpointStore, sqliteConsumerLock, sqliteDeadLetterStore, sqliteStorage } from '@streamstore/sqlite';
import { connect as amqpConnect } from 'amqplib';
import { write } from './writers.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const json = args.includes('--json');
const EVENTS = option('--events', 40_000);
const SECONDS = option('--seconds', 5);
const LIVE_RATE = option('--live-rate', undefined);
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const NATS_URL = process.env.STREAMSTORE_NATS_URL ?? 'nats://127.0.0.1:4222';
const AMQP_URL = process.env.STREAMSTORE_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672/%2F';
const DATABASE = process.env.STREAMSTORE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN = `${process.pid}`;
const NATS_STREAM = `BENCH_OUTBOX_${RUN}`;
const QUEUE = `streamstore-bench-outbox-${RUN}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * The live writers in a worker thread (writers.worker.mjs) for `seconds` at `rate` events/s; fills `committedAt`
 * (event id -> commit time on this thread's performance clock); resolves { events, seconds }.
 */
function writeInThread(spec, rate, seconds, committedAt) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./writers.worker.mjs', import.meta.url), { workerData: { ...spec, rate, seconds } });
    worker.on('message', (message) => {
      if (message.done) resolve({ events: message.events, seconds: message.seconds });
      else for (const id of message.ids) committedAt.set(id, message.at - performance.timeOrigin);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => code !== 0 && reject(new Error(`the writers' thread exited with ${code}`)));
  });
}

async function openBackend(kind) {
  if (kind === 'postgres') {
    const schema = `bench_outbox_${RUN}`;
    const storage = postgresStorage({ connectionString: DATABASE, schema, pool: { max: 8 } });
    const store = await createStreamStore({ storage, provisionSchema: true });
    return {
      store,
      spec: { kind, connectionString: DATABASE, schema },
      stores: () => ({
        checkpoints: postgresCheckpointStore(storage),
        lock: postgresConsumerLock(storage),
        deadLetters: postgresDeadLetterStore(storage),
      }),
      async dispose() {
        await storage.sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await store.close();
      },
    };
  }
  const directory = mkdtempSync(join(tmpdir(), 'streamstore-bench-outbox-'));
  const storage = sqliteStorage({ filename: join(directory, 'events.db') });
  const store = await createStreamStore({ storage, provisionSchema: true });
  return {
    store,
    spec: { kind, filename: join(directory, 'events.db') },
    stores: () => ({
      checkpoints: sqliteCheckpointStore(storage),
      lock: sqliteConsumerLock(storage),
      deadLetters: sqliteDeadLetterStore(storage),
    }),
    async dispose() {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function openPublisher(broker) {
  if (broker === 'jetstream') {
    return natsPublisher({ servers: NATS_URL, stream: { name: NATS_STREAM, subjects: [`bench${RUN}.>`] } });
  }
  const connection = await amqpConnect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.assertQueue(QUEUE, { durable: true });
  await channel.bindQueue(QUEUE, 'amq.topic', `bench${RUN}.#`);
  await connection.close();
  return rabbitmqPublisher({ url: AMQP_URL });
}

async function cleanBrokers() {
  const nc = await natsConnect({ servers: NATS_URL });
  const manager = await jetstreamManager(nc);
  await manager.streams.delete(NATS_STREAM).catch(() => undefined);
  await nc.close();
  const connection = await amqpConnect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.deleteQueue(QUEUE).catch(() => undefined);
  await connection.close();
}

async function measure(kind, broker) {
  const backend = await openBackend(kind);
  const publisher = await openPublisher(broker);
  try {
    // 1. Backlog.
    const fill = await write({ store: backend.store, until: (events) => events < EVENTS });
    let published = 0;
    let lastAck;
    const relayOptions = {
      publisher,
      ...backend.stores(),
      subject: `bench${RUN}.{category}.{type}`,
      maxInFlight: 2000,
      batchSize: 1000,
      pollIntervalMs: 2,
      maxPollIntervalMs: 20,
    };
    const started = performance.now();
    let relay = startOutboxRelay(backend.store, {
      ...relayOptions,
      name: `backlog-${broker}`,
      onPublished: () => {
        published++;
        lastAck = performance.now();
      },
    });
    while (published < fill.events) await sleep(5);
    await relay.stop();
    const drainSeconds = (lastAck - started) / 1000;
    const backlogRate = fill.events / drainSeconds;

    // 2. Live, paced at half the backlog rate (or what the writers reach).
    const target = LIVE_RATE ?? Math.min(backlogRate, fill.events / fill.seconds) / 2;
    const committedAt = new Map();
    const latencies = [];
    // The writers' thread reports a commit by message: an acknowledgement may come before it is handled here.
    const ackedAt = new Map();
    const pair = (committed, acked) => latencies.push(acked - committed);
    relay = startOutboxRelay(backend.store, {
      ...relayOptions,
      name: `live-${broker}`,
      startAt: 'end',
      onPublished: (event) => {
        const at = committedAt.get(event.id);
        if (at !== undefined) pair(at, performance.now());
        else ackedAt.set(event.id, performance.now());
      },
    });
    await relay.active;
    await sleep(200);
    const live = await writeInThread(backend.spec, target, SECONDS, {
      set(id, at) {
        const acked = ackedAt.get(id);
        if (acked === undefined) committedAt.set(id, at);
        else pair(at, acked);
      },
    });
    const waitUntil = performance.now() + 30_000;
    while (latencies.length < live.events && performance.now() < waitUntil) await sleep(5);
    await relay.stop();
    latencies.sort((a, b) => a - b);
    return {
      backend: kind,
      broker,
      backlogEvents: fill.events,
      writerEventsPerSecond: Math.round(fill.events / fill.seconds),
      relayEventsPerSecond: Math.round(backlogRate),
      liveTargetEventsPerSecond: Math.round(target),
      liveEventsPerSecond: Math.round(live.events / live.seconds),
      liveEvents: live.events,
      latencyP50Ms: Number(percentile(latencies, 50).toFixed(1)),
      latencyP99Ms: Number(percentile(latencies, 99).toFixed(1)),
      latencyMaxMs: Number((latencies[latencies.length - 1] ?? 0).toFixed(1)),
      measured: latencies.length,
    };
  } finally {
    await publisher.close();
    await backend.dispose();
  }
}

const rows = [];
try {
  for (const kind of ['postgres', 'sqlite']) {
    for (const broker of ['jetstream', 'rabbitmq']) {
      if (ONLY && ONLY !== `${kind}:${broker}`) continue;
      const row = await measure(kind, broker);
      rows.push(row);
      if (!json) {
        console.error(
          `${kind} -> ${broker}: relay ${row.relayEventsPerSecond} events/s (backlog of ${row.backlogEvents}; writers reached ${row.writerEventsPerSecond}/s); ` +
            `live at ${row.liveEventsPerSecond}/s: p50 ${row.latencyP50Ms} ms, p99 ${row.latencyP99Ms} ms, max ${row.latencyMaxMs} ms`,
        );
      }
    }
  }
} finally {
  await cleanBrokers();
}
if (json) console.log(JSON.stringify(rows, null, 2));
else {
  console.log('\nbackend   broker     relay ev/s  writers ev/s  live ev/s  p50 ms  p99 ms  max ms');
  for (const r of rows) {
    console.log(
      `${r.backend.padEnd(9)} ${r.broker.padEnd(10)} ${String(r.relayEventsPerSecond).padStart(10)}  ${String(r.writerEventsPerSecond).padStart(12)}  ${String(r.liveEventsPerSecond).padStart(9)}  ${String(r.latencyP50Ms).padStart(6)}  ${String(r.latencyP99Ms).padStart(6)}  ${String(r.latencyMaxMs).padStart(6)}`,
    );
  }
  console.log(`\n${JSON.stringify(rows)}`);
}
process.exit(0);
