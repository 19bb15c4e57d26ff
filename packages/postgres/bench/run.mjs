#!/usr/bin/env node
/**
 * PostgreSQL benchmark: the same workload through (a) @streamstore/postgres via the public API, with group commit (the
 * default) and without it ("streamstore-alone": every commit in its own statement, as before group commit), (b) two raw
 * baselines, one conditional multi-row INSERT per commit with no library, through postgres.js ("raw") and through pg
 * ("raw-pg"), (c) a raw-equivalent baseline ("raw-equiv", postgres.js): hand-written SQL with StreamStore's guarantees,
 * a head row checked and advanced, a gap-free log position (the append lock and the stream lock before the transaction
 * id, position = transaction id * 1e6 + ordinal), unique event ids, one statement per commit, and (d) Emmett's PostgreSQL
 * event store, against the same server, in one run. The global log is also read by a raw keyset query over
 * StreamStore's own events table ("raw-keyset", postgres.js). Each append row shows the client's CPU per commit
 * (`process.cpuUsage`, user + system). Run with `npm run bench:postgres` (builds first); `--json` prints JSON too.
 * Environment: STREAMSTORE_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_SECONDS per round,
 * BENCH_ROUNDS (3) rounds per cell, BENCH_WARMUP_SECONDS (0.3).
 * It works in a database of its own (streamstore_bench), recreated at the start and dropped at the end.
 */
import { performance } from 'node:perf_hooks';
import { createStreamStore } from '@streamstore/core';
import { postgresStorage } from '@streamstore/postgres';
import pg from 'pg';
import postgres from 'postgres';

const BASE_URL = process.env.STREAMSTORE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DATABASE = 'streamstore_bench';
const URL = BASE_URL.replace(/\/[^/?]*(\?|$)/, `/${DATABASE}$1`);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1.5);
// Each cell runs ROUNDS times, the systems in a different order each round (whichever runs first or right after
// another's burst of writes meets checkpoints and autovacuum more often), after an untimed warm-up of WARMUP_SECONDS
// (JIT, prepared statements on every pooled connection); the table shows each system's median round.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 0.3);
const JSON_OUTPUT = process.argv.includes('--json');
const STREAMS = 16;
const list = (value, fallback) => (value ? value.split(',').map(Number) : fallback);
// BENCH_WRITERS / BENCH_BATCHES (comma-separated) narrow the append cells; BENCH_READS=0 leaves the read cells out.
const WRITERS = list(process.env.BENCH_WRITERS, [1, 8, 32]);
const BATCHES = list(process.env.BENCH_BATCHES, [1, 10, 100]);
const READS = process.env.BENCH_READS !== '0';

const payload = (i) => ({ orderId: `order-${i}`, amount: (i % 97) * 1.25, currency: 'EUR', items: [{ sku: 'sku-1', qty: 2 }] });

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `writers` loops for SECONDS; each commit of `batch` events is timed. */
const heads = new Map();
let sequence = 0;

/** Runs `writers` loops for `seconds`; each commit of `batch` events is timed. Streams continue across calls. */
async function timedAppends(system, writers, batch, commit, seconds = SECONDS) {
  const latencies = [];
  let events = 0;
  const deadline = performance.now() + seconds * 1000;
  const perWriter = Math.max(1, STREAMS / writers);
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const streamId = `${system}-w${writers}-b${batch}-s${w * perWriter + (n % perWriter)}`;
        const expected = heads.get(streamId) ?? 0;
        const ids = Array.from({ length: batch }, () => `e-${++sequence}`);
        const started = performance.now();
        await commit(streamId, expected, ids);
        latencies.push(performance.now() - started);
        heads.set(streamId, expected + batch);
        events += batch;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  const cpuPerCommit = (used.user + used.system) / Math.max(1, latencies.length);
  latencies.sort((a, b) => a - b);
  return { eventsPerSecond: events / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuPerCommit };
}

/**
 * One cell of the table for every system: an untimed warm-up of each, then ROUNDS timed rounds with the systems in a
 * rotated order; each system's median round by events/s.
 */
async function rotatedCell(systems, warmUp, measure) {
  for (const system of systems) await warmUp(system);
  const rounds = new Map(systems.map((system) => [system.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = systems.map((_, i) => systems[(i + round) % systems.length]);
    for (const system of order) rounds.get(system.name).push(await measure(system));
  }
  return systems.map((system) => {
    const sorted = rounds.get(system.name).sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
    return [system.name, sorted[Math.floor(sorted.length / 2)]];
  });
}

/** The append cell of every system. */
const appendCell = (systems, writers, batch) =>
  rotatedCell(
    systems,
    (system) => timedAppends(system.name, writers, batch, system.append, WARMUP_SECONDS),
    (system) => timedAppends(system.name, writers, batch, system.append),
  );

/** Reads a whole stream repeatedly for `seconds`; events/s over the time spent in reads. */
async function timedReads(read, streamId, length, seconds = SECONDS) {
  const latencies = [];
  let events = 0;
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const started = performance.now();
    const got = await read(streamId);
    latencies.push(performance.now() - started);
    if (got !== length) throw new Error(`read ${got} events of ${streamId}, expected ${length}`);
    events += got;
  }
  latencies.sort((a, b) => a - b);
  return {
    eventsPerSecond: events / ((latencies.reduce((a, b) => a + b, 0) || 1) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/**
 * Reads the global log in pages of 1000 from the start for `seconds` (at its end, from the start again); p50 and p99
 * are per page. (Whether the log is complete and exactly-once is the tests' job: packages/postgres/test.)
 */
async function timedGlobal(readPage, seconds = SECONDS) {
  const latencies = [];
  let events = 0;
  let after;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    const t = performance.now();
    const page = await readPage(after);
    latencies.push(performance.now() - t);
    events += page.count;
    after = page.count < 1000 ? undefined : page.last;
  }
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { eventsPerSecond: events / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

// --- the three systems -------------------------------------------------------------------------------------------

async function streamstoreSystem(name = 'streamstore', groupCommit = true) {
  const store = await createStreamStore({
    storage: postgresStorage({ connectionString: URL, schema: 'bench_streamstore', pool: { max: 8 }, groupCommit }),
    provisionSchema: true,
    pageSize: 1000,
  });
  return {
    name,
    async append(streamId, expected, ids) {
      await store.append(
        streamId,
        expected,
        ids.map((id, i) => ({ id, type: 'OrderPlaced', data: payload(i) })),
      );
    },
    async read(streamId) {
      let n = 0;
      for await (const _ of store.read(streamId)) n++;
      return n;
    },
    async readAllPage(after) {
      let count = 0;
      let last;
      for await (const event of store.readAll({ from: after, maxCount: 1000, pageSize: 1000 })) {
        count++;
        last = event.position;
      }
      return { count, last };
    },
    close: () => store.close(),
  };
}

async function rawSystem() {
  const sql = postgres(URL, { max: 8, onnotice: () => {} });
  await sql.unsafe(`CREATE SCHEMA bench_raw;
    CREATE TABLE bench_raw.events (
      position bigint GENERATED ALWAYS AS IDENTITY, stream_id text NOT NULL, revision bigint NOT NULL,
      event_id text NOT NULL, type text NOT NULL, data jsonb NOT NULL, metadata jsonb,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (stream_id, revision), UNIQUE (stream_id, event_id), UNIQUE (position))`);
  const insert = `INSERT INTO bench_raw.events (stream_id, revision, event_id, type, data)
    SELECT $1, $2 + e.ord, e.id, e.type, e.data::jsonb
    FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS e(id, type, data, ord)
    WHERE (SELECT coalesce(max(revision), 0) FROM bench_raw.events WHERE stream_id = $1) = $2`;
  return {
    name: 'raw',
    async append(streamId, expected, ids) {
      const result = await sql.unsafe(
        insert,
        [streamId, expected, ids, ids.map(() => 'OrderPlaced'), ids.map((_, i) => JSON.stringify(payload(i)))],
        { prepare: true },
      );
      if (result.count !== ids.length) throw new Error('raw baseline: unexpected conflict');
    },
    async read(streamId) {
      const rows = await sql.unsafe(
        'SELECT stream_id, revision, position, event_id, type, data, metadata, recorded_at FROM bench_raw.events WHERE stream_id = $1 ORDER BY revision',
        [streamId],
        { prepare: true },
      );
      return rows.length;
    },
    async readAllPage(after) {
      const rows = await sql.unsafe(
        'SELECT stream_id, revision, position, event_id, type, data, metadata, recorded_at FROM bench_raw.events WHERE position > $1 ORDER BY position LIMIT 1000',
        [after ?? '0'],
        { prepare: true },
      );
      return { count: rows.length, last: rows.at(-1)?.position };
    },
    close: () => sql.end(),
  };
}

const RAW_INSERT = (schema) => `INSERT INTO ${schema}.events (stream_id, revision, event_id, type, data)
    SELECT $1, $2 + e.ord, e.id, e.type, e.data::jsonb
    FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS e(id, type, data, ord)
    WHERE (SELECT coalesce(max(revision), 0) FROM ${schema}.events WHERE stream_id = $1) = $2`;

/** The raw baseline through pg (node-postgres): the same table shape and statement as "raw", prepared by name. */
async function rawPgSystem() {
  const pool = new pg.Pool({ connectionString: URL, max: 8 });
  await pool.query(`CREATE SCHEMA bench_raw_pg;
    CREATE TABLE bench_raw_pg.events (
      position bigint GENERATED ALWAYS AS IDENTITY, stream_id text NOT NULL, revision bigint NOT NULL,
      event_id text NOT NULL, type text NOT NULL, data jsonb NOT NULL, metadata jsonb,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (stream_id, revision), UNIQUE (stream_id, event_id), UNIQUE (position))`);
  const columns = 'stream_id, revision, position, event_id, type, data, metadata, recorded_at';
  return {
    name: 'raw-pg',
    async append(streamId, expected, ids) {
      const result = await pool.query({
        name: 'raw-insert',
        text: RAW_INSERT('bench_raw_pg'),
        values: [streamId, expected, ids, ids.map(() => 'OrderPlaced'), ids.map((_, i) => JSON.stringify(payload(i)))],
      });
      if (result.rowCount !== ids.length) throw new Error('raw-pg baseline: unexpected conflict');
    },
    async read(streamId) {
      const result = await pool.query({
        name: 'raw-read',
        text: `SELECT ${columns} FROM bench_raw_pg.events WHERE stream_id = $1 ORDER BY revision`,
        values: [streamId],
      });
      return result.rows.length;
    },
    async readAllPage(after) {
      const result = await pool.query({
        name: 'raw-page',
        text: `SELECT ${columns} FROM bench_raw_pg.events WHERE position > $1 ORDER BY position LIMIT 1000`,
        values: [after ?? '0'],
      });
      return { count: result.rows.length, last: result.rows.at(-1)?.position };
    },
    close: () => pool.end(),
  };
}

/**
 * What a user would write by hand for StreamStore's guarantees, in one statement per commit: the store's append lock
 * (shared) and the stream's lock before the transaction id (so a reader's horizon can wait for appends in flight, and
 * a stream's events lie in revision order in the log), the head row checked and advanced, positions from the
 * transaction id, unique (stream, event id).
 */
async function rawEquivalentSystem() {
  const sql = postgres(URL, { max: 8, onnotice: () => {} });
  await sql.unsafe(`CREATE SCHEMA bench_equiv;
    CREATE TABLE bench_equiv.streams (stream_id text PRIMARY KEY, revision bigint NOT NULL);
    CREATE TABLE bench_equiv.events (
      position bigint NOT NULL, stream_id text NOT NULL, revision bigint NOT NULL,
      event_id text NOT NULL, type text NOT NULL, data jsonb NOT NULL, metadata jsonb,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (stream_id, revision), UNIQUE (stream_id, event_id), UNIQUE (position))`);
  const append = `WITH locked AS MATERIALIZED (
      SELECT pg_advisory_xact_lock_shared(1, 1)::text || pg_advisory_xact_lock(2, hashtext($1))::text AS done
    ), head AS (
      INSERT INTO bench_equiv.streams AS h (stream_id, revision)
      SELECT $1, $2 + cardinality($3::text[]) FROM locked
      ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision WHERE h.revision = $2
      RETURNING h.revision
    )
    INSERT INTO bench_equiv.events (position, stream_id, revision, event_id, type, data)
    SELECT pg_current_xact_id()::text::bigint * 1000000 + e.ord - 1, $1, $2 + e.ord, e.id, e.type, e.data::jsonb
    FROM head, unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS e(id, type, data, ord)`;
  const columns = 'stream_id, revision, position, event_id, type, data, metadata, recorded_at';
  return {
    name: 'raw-equiv',
    async append(streamId, expected, ids) {
      const result = await sql.unsafe(
        append,
        [streamId, expected, ids, ids.map(() => 'OrderPlaced'), ids.map((_, i) => JSON.stringify(payload(i)))],
        { prepare: true },
      );
      if (result.count !== ids.length) throw new Error('raw-equiv baseline: unexpected conflict');
    },
    async read(streamId) {
      const rows = await sql.unsafe(
        `SELECT ${columns} FROM bench_equiv.events WHERE stream_id = $1 ORDER BY revision`,
        [streamId],
        { prepare: true },
      );
      return rows.length;
    },
    async readAllPage(after) {
      const rows = await sql.unsafe(
        `SELECT ${columns} FROM bench_equiv.events WHERE position > $1 ORDER BY position LIMIT 1000`,
        [after ?? '0'],
        { prepare: true },
      );
      return { count: rows.length, last: rows.at(-1)?.position };
    },
    close: () => sql.end(),
  };
}

/** The global log of StreamStore's own table, read by a plain keyset query (postgres.js): the readAll target. */
function rawKeysetReader() {
  const sql = postgres(URL, { max: 2, onnotice: () => {} });
  return {
    name: 'raw-keyset',
    async readAllPage(after) {
      const rows = await sql.unsafe(
        'SELECT * FROM bench_streamstore.events WHERE position > $1 ORDER BY position LIMIT 1000',
        [after ?? '0'],
        { prepare: true },
      );
      return { count: rows.length, last: rows.at(-1)?.position };
    },
    close: () => sql.end(),
  };
}

async function emmettSystem() {
  let module;
  try {
    module = await import('@event-driven-io/emmett-postgresql');
  } catch (error) {
    console.error(`Emmett is not available (${error.message}); its column is left out.`);
    return null;
  }
  const { dumbo } = await import('@event-driven-io/dumbo');
  const pool = dumbo({ connectionString: URL });
  const eventStore = module.getPostgreSQLEventStore(URL, { connectionOptions: { dumbo: pool } });
  await eventStore.schema.migrate();
  return {
    name: 'emmett',
    async append(streamId, expected, ids) {
      const events = ids.map((_, i) => ({ type: 'OrderPlaced', data: payload(i) }));
      await eventStore.appendToStream(streamId, events, expected === 0 ? {} : { expectedStreamVersion: BigInt(expected) });
    },
    async read(streamId) {
      return (await eventStore.readStream(streamId)).events.length;
    },
    async readAllPage(after) {
      const batch = await module.readMessagesBatch(pool.execute, { after: after ?? 0n, batchSize: 1000 });
      return { count: batch.messages.length, last: batch.currentGlobalPosition };
    },
    close: async () => {
      await eventStore.close().catch(() => {});
      await pool.close().catch(() => {});
    },
  };
}

// --- main -----------------------------------------------------------------------------------------------------------

async function main() {
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${DATABASE}`);
  const systems = [
    await streamstoreSystem(),
    await streamstoreSystem('streamstore-alone', false),
    await rawSystem(),
    await rawPgSystem(),
    await rawEquivalentSystem(),
    await emmettSystem(),
  ].filter(Boolean);
  const keyset = rawKeysetReader();
  const rows = [];
  const record = (workload, system, result) => rows.push({ workload, system, ...result });
  try {
    for (const batch of BATCHES) {
      for (const writers of WRITERS) {
        for (const [name, result] of await appendCell(systems, writers, batch)) {
          record(`append ${batch} ev/commit, ${writers} writer(s)`, name, result);
        }
      }
    }
    // Reads do not go through group commit: the alone variant would only repeat streamstore's numbers.
    const readers = READS ? systems.filter((system) => system.name !== 'streamstore-alone') : [];
    for (const length of READS ? [100, 1000] : []) {
      for (const system of readers) {
        const streamId = `${system.name}-read-${length}`;
        for (let written = 0; written < length; written += 100) {
          await system.append(
            streamId,
            written,
            Array.from({ length: 100 }, (_, i) => `r${length}-${written + i}`),
          );
        }
      }
      const cell = await rotatedCell(
        readers,
        (system) => timedReads(system.read, `${system.name}-read-${length}`, length, WARMUP_SECONDS),
        (system) => timedReads(system.read, `${system.name}-read-${length}`, length),
      );
      for (const [name, result] of cell) record(`read a ${length}-event stream`, name, result);
    }
    const globalCell = await rotatedCell(
      READS ? [...readers, keyset] : [],
      (system) => timedGlobal(system.readAllPage, WARMUP_SECONDS),
      (system) => timedGlobal(system.readAllPage),
    );
    for (const [name, result] of globalCell) record('read the global log, pages of 1000', name, result);
    print(rows);
  } finally {
    for (const system of systems) await system.close();
    await keyset.close();
    // Idle pooled connections of other libraries are cut by DROP DATABASE ... WITH (FORCE): that is expected here.
    process.on('uncaughtException', (error) => {
      if (error?.code !== '57P01') throw error;
    });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.end();
  }
}

const BASELINES = ['raw', 'raw-pg', 'raw-equiv', 'emmett'];

function print(rows) {
  const workloads = [...new Set(rows.map((row) => row.workload))];
  const find = (workload, system) => rows.find((row) => row.workload === workload && row.system === system);
  const header = `| workload | system | events/s | p50 ms | p99 ms | CPU µs/commit | ${BASELINES.map((b) => `vs ${b}`).join(' | ')} |`;
  const lines = [header, `|---|---|---:|---:|---:|---:|${BASELINES.map(() => '---:').join('|')}|`];
  for (const workload of workloads) {
    for (const row of rows.filter((r) => r.workload === workload)) {
      const ratios = BASELINES.map((name) => {
        const base = find(workload, name);
        return base ? (row.eventsPerSecond / base.eventsPerSecond).toFixed(2) : '-';
      });
      const cpu = row.cpuPerCommit === undefined ? '-' : Math.round(row.cpuPerCommit).toString();
      lines.push(
        `| ${workload} | ${row.system} | ${Math.round(row.eventsPerSecond).toLocaleString('en-US')} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${cpu} | ${ratios.join(' | ')} |`,
      );
    }
  }
  console.log(lines.join('\n'));
  if (JSON_OUTPUT) console.log(JSON.stringify({ seconds: SECONDS, streams: STREAMS, rows }, null, 2));
}

await main();
