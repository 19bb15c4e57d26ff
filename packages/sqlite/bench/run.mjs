// SQLite backend benchmark: append throughput and latency (batches of 1, 10, 100; 1 writer, 4 async writers on one
// connection, 4 writers on their own connections in worker threads), stream read throughput, and the baseline: the
// same rows inserted with plain better-sqlite3 (one transaction per batch of 100, prepared insert, same tables),
// interleaved commit by commit with ours so both see the same load.
// The store checkpoints its WAL on a worker thread (walCheckpoints: 'background', the default); the baseline keeps
// SQLite's default, the committing connection checkpointing past 1,000 pages; the last line repeats two comparisons
// with the store's checkpoints inline too.
// Everything StreamStore does is measured (validation, serialization, the head check, the head update). Rows report
// commits/s and events/s over the measured wall time; the interleaved pair over the time spent inside commits.
// Usage: npm run bench:sqlite [-- --json] [-- --seconds 2]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { categoryOf } from '@streamstore/core';
import { MIGRATIONS } from '@streamstore/sqlite';
import Database from 'better-sqlite3';
import { appendLoop, makeEvent, openStore, percentile, STREAMS_PER_WRITER } from './workload.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const secondsArg = args.indexOf('--seconds');
const SECONDS = secondsArg >= 0 ? Number(args[secondsArg + 1]) : 2;
const WRITERS = 4;
const directory = mkdtempSync(join(tmpdir(), 'streamstore-bench-sqlite-'));
let fileCounter = 0;
const newFile = () => join(directory, `bench-${++fileCounter}.db`);

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
    p999Ms: percentile(latencies, 99.9),
  };
}

async function appendOneWriter(batchSize) {
  const store = await openStore(newFile());
  const run = await appendLoop(store, 0, batchSize, SECONDS);
  await store.close();
  return summarize('append, 1 writer', batchSize, 1, [run], SECONDS);
}

async function appendAsyncWriters(batchSize) {
  const store = await openStore(newFile());
  const runs = await Promise.all(Array.from({ length: WRITERS }, (_, w) => appendLoop(store, w, batchSize, SECONDS)));
  await store.close();
  return summarize(`append, ${WRITERS} async writers, 1 connection`, batchSize, WRITERS, runs, SECONDS);
}

async function appendThreadWriters(batchSize) {
  const filename = newFile();
  await (await openStore(filename)).close();
  const runs = await Promise.all(
    Array.from(
      { length: WRITERS },
      (_, writer) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL('./writer-thread.mjs', import.meta.url), {
            workerData: { filename, writer, batchSize, seconds: SECONDS },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  return summarize(`append, ${WRITERS} connections (threads)`, batchSize, WRITERS, runs, SECONDS);
}

async function readStreams() {
  const store = await openStore(newFile());
  const streams = 20;
  for (let s = 0; s < streams; s++) {
    for (let b = 0; b < 10; b++) {
      const batch = Array.from({ length: 100 }, (_, i) => makeEvent(s, b * 100 + i));
      await store.append(`read-${s}`, b * 100, batch);
    }
  }
  const latencies = [];
  let events = 0;
  const end = performance.now() + SECONDS * 1000;
  for (let s = 0; performance.now() < end; s = (s + 1) % streams) {
    const started = performance.now();
    for await (const e of store.read(`read-${s}`)) if (e.revision > 0) events++;
    latencies.push(performance.now() - started);
  }
  let all = 0;
  const allStarted = performance.now();
  for await (const e of store.readAll()) if (e.position) all++;
  const allSeconds = (performance.now() - allStarted) / 1000;
  await store.close();
  latencies.sort((a, b) => a - b);
  return [
    {
      workload: 'read, 1000-event streams',
      batchSize: 1000,
      writers: 1,
      commitsPerSecond: Number.NaN,
      eventsPerSecond: events / SECONDS,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      p999Ms: percentile(latencies, 99.9),
    },
    {
      workload: `readAll, ${all} events`,
      batchSize: all,
      writers: 1,
      commitsPerSecond: Number.NaN,
      eventsPerSecond: all / allSeconds,
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
      p999Ms: Number.NaN,
    },
  ];
}

/** Plain better-sqlite3: same tables and indexes, one transaction per batch, prepared insert, no head row. */
function openBaseline() {
  const db = new Database(newFile());
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // The category backfill of migration 2 calls this function, as the provisioner registers it.
  db.function('streamstore_category', { deterministic: true }, (id) => categoryOf(String(id)));
  for (const migration of MIGRATIONS) for (const statement of migration.statements) db.exec(statement);
  const insert = db.prepare(
    `INSERT INTO events (stream_id, revision, event_id, type, schema_version, format, compression, data_text, data_blob,
      metadata, timestamp, recorded_at) VALUES (?, ?, ?, ?, 1, 'json', NULL, ?, NULL, ?, ?, ?)`,
  );
  const insertBatch = db.transaction((streamId, firstRevision, batch) => {
    const now = Date.now();
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i];
      insert.run(streamId, firstRevision + i, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), now, now);
    }
  });
  const revisions = new Array(STREAMS_PER_WRITER).fill(0);
  let commits = 0;
  return {
    commit(batch) {
      const s = commits++ % STREAMS_PER_WRITER;
      insertBatch.immediate(`w0-stream-${s}`, revisions[s] + 1, batch);
      revisions[s] += batch.length;
    },
    close: () => db.close(),
  };
}

/**
 * Our 100-event commits against the baseline, interleaved commit by commit (each on its own file) so both see the
 * same machine load and checkpoint rhythm; the ratio is of total times for the same number of events.
 */
async function compareWithBaseline(batchSize, options = {}) {
  const store = await openStore(newFile(), options);
  const base = openBaseline();
  const revisions = new Array(STREAMS_PER_WRITER).fill(0);
  const ours = [];
  const theirs = [];
  let n = 0;
  const warmUpEnd = performance.now() + 300;
  const end = warmUpEnd + SECONDS * 2000;
  for (let commit = 0; performance.now() < end; commit++) {
    const s = commit % STREAMS_PER_WRITER;
    const batch = new Array(batchSize);
    for (let i = 0; i < batchSize; i++) batch[i] = makeEvent(0, n++);
    const t0 = performance.now();
    revisions[s] = (await store.append(`w0-stream-${s}`, revisions[s], batch)).revision;
    const t1 = performance.now();
    const plain = new Array(batchSize);
    for (let i = 0; i < batchSize; i++) plain[i] = makeEvent(1, n++);
    const t2 = performance.now();
    base.commit(plain);
    const t3 = performance.now();
    if (t0 >= warmUpEnd) {
      ours.push(t1 - t0);
      theirs.push(t3 - t2);
    }
  }
  await store.close();
  base.close();
  const total = (latencies) => latencies.reduce((sum, ms) => sum + ms, 0) / 1000;
  const row = (workload, latencies) =>
    summarize(workload, batchSize, 1, [{ latencies, events: latencies.length * batchSize }], total(latencies));
  return {
    ratio: total(theirs) / total(ours),
    rows: [row('append, 1 writer (interleaved)', ours), row('BASELINE plain better-sqlite3 (interleaved)', theirs)],
  };
}

/**
 * 4 async writers of 1-event commits on one store (its group commit shares transactions between them) against plain
 * better-sqlite3 with one transaction per insert, the two alternated for the same time in rounds of 500 ms.
 */
async function groupedAgainstPerInsert(options = {}) {
  const store = await openStore(newFile(), options);
  const base = openBaseline();
  let ours = 0;
  let theirs = 0;
  let oursMs = 0;
  let theirsMs = 0;
  let n = 0;
  const revisions = Array.from({ length: WRITERS }, () => new Array(STREAMS_PER_WRITER).fill(0));
  const roundMs = 500;
  for (let round = 0; round < SECONDS * 2; round++) {
    let started = performance.now();
    let end = started + roundMs;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let commit = 0; performance.now() < end; commit++) {
          const s = commit % STREAMS_PER_WRITER;
          revisions[w][s] = (await store.append(`w${w}-stream-${s}`, revisions[w][s], [makeEvent(w, n++)])).revision;
          ours++;
        }
      }),
    );
    oursMs += performance.now() - started;
    started = performance.now();
    end = started + roundMs;
    while (performance.now() < end) {
      base.commit([makeEvent(9, n++)]);
      theirs++;
    }
    theirsMs += performance.now() - started;
  }
  await store.close();
  base.close();
  return { ours: (ours * 1000) / oursMs, theirs: (theirs * 1000) / theirsMs };
}

const results = [];
let comparison;
const smallComparisons = [];
let grouped;
let inline;
const INLINE = { walCheckpoints: 'inline' };
try {
  for (const size of [1, 10, 100]) results.push(await appendOneWriter(size));
  for (const size of [1, 10, 100]) results.push(await appendAsyncWriters(size));
  for (const size of [1, 10, 100]) results.push(await appendThreadWriters(size));
  results.push(...(await readStreams()));
  for (const size of [1, 10]) {
    const small = await compareWithBaseline(size);
    smallComparisons.push({ size, ratio: small.ratio });
    results.push(...small.rows);
  }
  comparison = await compareWithBaseline(100);
  results.push(...comparison.rows);
  grouped = await groupedAgainstPerInsert();
  // The same two comparisons with SQLite's own checkpoints (the committing connection's), as before the worker.
  inline = {
    oneWriter: (await compareWithBaseline(1, INLINE)).ratio,
    grouped: await groupedAgainstPerInsert(INLINE),
  };
} finally {
  rmSync(directory, { recursive: true, force: true });
}
const ratio = comparison.ratio;

if (json) {
  console.log(JSON.stringify({ seconds: SECONDS, results, ratioToBaseline: ratio, smallComparisons, grouped, inline }, null, 2));
} else {
  const fmt = (value, digits = 0) => (Number.isNaN(value) ? '-' : value.toFixed(digits));
  console.table(
    results.map((r) => ({
      workload: r.workload,
      batch: r.batchSize,
      'commits/s': fmt(r.commitsPerSecond),
      'events/s': fmt(r.eventsPerSecond),
      'p50 ms': fmt(r.p50Ms, 3),
      'p99 ms': fmt(r.p99Ms, 3),
      'p99.9 ms': fmt(r.p999Ms, 3),
    })),
  );
  for (const { size, ratio: small } of smallComparisons) {
    console.log(
      `${size}-event commits, 1 writer: ${(small * 100).toFixed(1)}% of plain better-sqlite3 (interleaved; target >= 85%)`,
    );
  }
  console.log(
    `100-event commits, 1 writer: ${(ratio * 100).toFixed(1)}% of the plain better-sqlite3 baseline's throughput (interleaved; target >= 85%)`,
  );
  console.log(
    `1-event commits, ${WRITERS} async writers (group commit): ${grouped.ours.toFixed(0)} commits/s; plain better-sqlite3, ` +
      `one transaction per insert: ${grouped.theirs.toFixed(0)}/s (${(grouped.ours / grouped.theirs).toFixed(2)}x; target >= 2x)`,
  );
  console.log(
    `with walCheckpoints 'inline' (checkpoints in the committing call, SQLite's default): 1-event commits, 1 writer ` +
      `${(inline.oneWriter * 100).toFixed(1)}% of plain; ${WRITERS} async writers ${inline.grouped.ours.toFixed(0)} commits/s ` +
      `against ${inline.grouped.theirs.toFixed(0)}/s (${(inline.grouped.ours / inline.grouped.theirs).toFixed(2)}x)`,
  );
}
