#!/usr/bin/env node
/**
 * Retention and scavenging figures (issue #20), on PostgreSQL and SQLite, through the built packages:
 *   a. one stream of BENCH_RETENTION_EVENTS (1,000,000) events appended in big commits, `maxCount: 100` set, the
 *      stream read (timed; on PostgreSQL the EXPLAIN (ANALYZE, BUFFERS) of the exact statement the storage runs);
 *   b. that stream scavenged (events removed per second), while
 *   c. 4 writers commit 1 event each to streams of their own: p50/p99 of their commits alone and during the scavenge;
 *   d. appends of 1 writer x 10 events to streams with and without metadata, interleaved rounds, medians.
 * PostgreSQL: STREAMSTORE_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test), in a scratch schema of its
 * own, dropped at the end. SQLite: a temporary file, removed at the end. Run with `npm run bench:retention` (builds
 * first); BACKENDS=sqlite or BACKENDS=postgres runs one; BENCH_RANDOM_IDS=1 gives the events random ids of their own;
 * `--json` prints the rows as JSON too.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createStreamStore } from '@streamstore/core';
import { postgresStorage } from '@streamstore/postgres';
import { sqliteStorage } from '@streamstore/sqlite';
import postgres from 'postgres';
import { buildQueries } from '../../packages/postgres/dist/queries.js';

const URL = process.env.STREAMSTORE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = Number(process.env.BENCH_RETENTION_EVENTS ?? 1_000_000);
const COMMIT = 10_000;
const MAX_COUNT = 100;
const BATCH_SIZE = process.env.BENCH_SCAVENGE_BATCH ? Number(process.env.BENCH_SCAVENGE_BATCH) : undefined;
const WRITERS = 4;
const ALONE_SECONDS = Number(process.env.BENCH_ALONE_SECONDS ?? 3);
const APPEND_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const APPEND_SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const BACKENDS = (process.env.BACKENDS ?? 'postgres,sqlite').split(',');
// BENCH_SCAVENGE_PROCESS=1: on SQLite, scavenge through the `streamstore scavenge` command in a child process.
const SCAVENGE_IN_CLI = process.env.BENCH_SCAVENGE_PROCESS === '1';
const BIN = fileURLToPath(new globalThis.URL('../../packages/cli/dist/bin.js', import.meta.url));
const JSON_OUTPUT = process.argv.includes('--json');

// BENCH_RANDOM_IDS=1: the events carry ids of their own, random UUIDs (version 4), as an application that makes its
// ids with crypto.randomUUID; by default they have none and the store gives each a UUID version 7 (time-ordered).
const RANDOM_IDS = process.env.BENCH_RANDOM_IDS === '1';
const payload = (i) => ({ sensor: 'sensor-7', reading: (i % 997) * 0.25, unit: 'C' });
const batch = (from, count) =>
  Array.from({ length: count }, (_, i) => ({
    ...(RANDOM_IDS ? { id: randomUUID() } : {}),
    type: 'Reading',
    data: payload(from + i),
  }));

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Appends `count` events to `streamId` in commits of COMMIT; resolves the seconds it took. */
async function bulkAppend(store, streamId, count) {
  const started = performance.now();
  for (let done = 0; done < count; done += COMMIT)
    await store.append(streamId, 'any', batch(done, Math.min(COMMIT, count - done)));
  return (performance.now() - started) / 1000;
}

/**
 * 4 writers committing 1 event each to streams of their own until `until()` says stop; latencies in ms, sorted. Each
 * writer yields to the event loop between commits, as writers driven by requests do (SQLite's calls are synchronous:
 * a loop of resolved promises would keep the event loop to itself and starve the scavenge's batches).
 */
async function writers(store, tag, until) {
  const latencies = [];
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let n = 0; !until(); n++) {
        // Timed from before the yield: a synchronous scavenge batch holding the event loop delays the commit too.
        const started = performance.now();
        await new Promise((resolve) => setImmediate(resolve));
        await store.append(`writer-${tag}-${w}`, 'any', batch(n, 1));
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

/** Commits per second of 1 writer x 10 events over `streams` for `seconds`. */
async function appendRate(store, streams, seconds) {
  let commits = 0;
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    await store.append(streams[commits % streams.length], 'any', batch(commits, 10));
    commits++;
  }
  return commits / seconds;
}

/**
 * Runs a, b, c, d on one store; `explain(streamId, from, limit)` prints the plan of the stream read (PostgreSQL);
 * `cli(args)`, when given, scavenges through `streamstore scavenge` in a process of its own instead of in this one.
 */
async function measure(name, store, explain, cli) {
  const row = { backend: name };
  process.stderr.write(`${name}: appending ${fmt(EVENTS)} events to one stream...\n`);
  row.bulkSeconds = await bulkAppend(store, 'big', EVENTS);
  await store.setStreamMetadata('big', { maxCount: MAX_COUNT });

  // a. The read of the last 100 of 1,000,000: warm once, then the median of 20.
  const readOnce = async () => {
    const started = performance.now();
    let count = 0;
    for await (const _ of store.read('big')) count++;
    if (count !== MAX_COUNT) throw new Error(`read ${count} events, expected ${MAX_COUNT}`);
    return performance.now() - started;
  };
  await readOnce();
  const reads = [];
  for (let i = 0; i < 20; i++) reads.push(await readOnce());
  row.readMs = median(reads);
  if (explain) row.explain = await explain('big', EVENTS - MAX_COUNT + 1, 500);

  // c. The writers alone, then b. the scavenge with the writers beside it.
  process.stderr.write(`${name}: writers alone for ${ALONE_SECONDS} s...\n`);
  const aloneEnd = performance.now() + ALONE_SECONDS * 1000;
  const alone = await writers(store, 'alone', () => performance.now() >= aloneEnd);
  process.stderr.write(`${name}: scavenging beside the writers...\n`);
  let scavenging = true;
  const during = writers(store, 'during', () => !scavenging);
  const started = performance.now();
  const result = cli
    ? await cli(['--stream', 'big', '--quiet', ...(BATCH_SIZE ? ['--batch-size', String(BATCH_SIZE)] : [])])
    : await store.scavenge({ streams: ['big'], ...(BATCH_SIZE ? { batchSize: BATCH_SIZE } : {}) });
  const seconds = (performance.now() - started) / 1000;
  scavenging = false;
  const beside = await during;
  row.removed = result.eventsRemoved;
  row.scavengePerSecond = result.eventsRemoved / seconds;
  row.p50Alone = percentile(alone, 50);
  row.p99Alone = percentile(alone, 99);
  row.p50During = percentile(beside, 50);
  row.p99During = percentile(beside, 99);
  row.commitsDuring = beside.length;
  row.p99Ratio = row.p99During / row.p99Alone;
  if ((await readOnce()) < 0) throw new Error('unreachable');

  // d. Appends to streams with and without metadata, interleaved rounds.
  const plain = Array.from({ length: 8 }, (_, i) => `plain-${i}`);
  const kept = Array.from({ length: 8 }, (_, i) => `kept-${i}`);
  for (const id of [...plain, ...kept]) await store.append(id, 'any', batch(0, 1));
  for (const id of kept) await store.setStreamMetadata(id, { maxCount: 1000, maxAgeSeconds: 86_400 });
  await appendRate(store, plain, 0.3);
  await appendRate(store, kept, 0.3);
  const without = [];
  const withMetadata = [];
  for (let round = 0; round < APPEND_ROUNDS; round++) {
    if (round % 2 === 0) {
      without.push(await appendRate(store, plain, APPEND_SECONDS));
      withMetadata.push(await appendRate(store, kept, APPEND_SECONDS));
    } else {
      withMetadata.push(await appendRate(store, kept, APPEND_SECONDS));
      without.push(await appendRate(store, plain, APPEND_SECONDS));
    }
  }
  row.appendsWithout = median(without) * 10;
  row.appendsWith = median(withMetadata) * 10;
  return row;
}

async function postgresRow() {
  const schema = `bench_retention_${process.pid}`;
  const admin = postgres(URL, { max: 1, onnotice: () => {} });
  const store = await createStreamStore({
    storage: postgresStorage({ connectionString: URL, schema }),
    provisionSchema: true,
  });
  try {
    const text = buildQueries(`"${schema}"`).readForward;
    const explain = async (streamId, from, limit) => {
      await admin.unsafe(`ANALYZE "${schema}".events`);
      const rows = await admin.unsafe(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, [streamId, from, limit]);
      return { sql: text, params: [streamId, from, limit], plan: rows.map((r) => r['QUERY PLAN']).join('\n') };
    };
    return await measure('postgres', store, explain);
  } finally {
    await store.close();
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}

async function sqliteRow() {
  const dir = mkdtempSync(join(tmpdir(), 'streamstore-bench-retention-'));
  const store = await createStreamStore({
    storage: sqliteStorage({ filename: join(dir, 'events.db') }),
    provisionSchema: true,
  });
  try {
    if (!SCAVENGE_IN_CLI) return await measure('sqlite', store, undefined);
    // The scavenge in a process of its own (`streamstore scavenge`), as an operator runs it beside an application:
    // its synchronous batches then hold that process's event loop, not the writers'.
    const cli = async (args) => {
      const child = spawn(process.execPath, [BIN, 'scavenge', '--file', join(dir, 'events.db'), ...args], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
      });
      const [code] = await once(child, 'close');
      const removed = /visited, (\d+) event/.exec(output);
      if (code !== 0 || !removed) throw new Error(`streamstore scavenge exited ${code}: ${output}`);
      return { eventsRemoved: Number(removed[1]) };
    };
    return await measure('sqlite (scavenge in its own process)', store, undefined, cli);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [];
for (const backend of BACKENDS) rows.push(backend === 'postgres' ? await postgresRow() : await sqliteRow());

const header = [
  'backend',
  'bulk append',
  `read last ${MAX_COUNT} of ${fmt(EVENTS)}`,
  'scavenged',
  `removed/s (batch ${BATCH_SIZE ?? "the backend's default"})`,
  'commit p50 / p99 alone',
  'p50 / p99 scavenging',
  'p99 ratio',
  'appends/s 1x10 plain / with metadata',
];
const table = rows.map((r) => [
  r.backend,
  `${fmt(r.bulkSeconds, 1)} s (${fmt(EVENTS / r.bulkSeconds)}/s)`,
  `${fmt(r.readMs, 2)} ms`,
  fmt(r.removed),
  fmt(r.scavengePerSecond),
  `${fmt(r.p50Alone, 2)} / ${fmt(r.p99Alone, 2)} ms`,
  `${fmt(r.p50During, 2)} / ${fmt(r.p99During, 2)} ms (${fmt(r.commitsDuring)} commits)`,
  `${fmt(r.p99Ratio, 2)}x`,
  `${fmt(r.appendsWithout)} / ${fmt(r.appendsWith)} (${fmt((r.appendsWith / r.appendsWithout - 1) * 100, 1)}%)`,
]);
const line = (cells) => `| ${cells.join(' | ')} |`;
console.log(
  RANDOM_IDS ? 'event ids: random UUIDs (version 4) given by the writer' : 'event ids: made by the store (UUID version 7)',
);
console.log(line(header));
console.log(line(header.map(() => '---')));
for (const cells of table) console.log(line(cells));
for (const r of rows) {
  if (!r.explain) continue;
  console.log(`\n${r.backend}: EXPLAIN (ANALYZE, BUFFERS) of the stream read, parameters ${JSON.stringify(r.explain.params)}`);
  console.log(r.explain.sql);
  console.log(r.explain.plan);
}
if (JSON_OUTPUT) console.log(JSON.stringify(rows, null, 2));
