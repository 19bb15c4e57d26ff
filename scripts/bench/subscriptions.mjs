#!/usr/bin/env node
/**
 * Subscription benchmark on SQLite and PostgreSQL (built packages):
 * - lag: a writer commits ~RATE single-event commits per second for SECONDS; a subscriber to `all` on a second
 *   storage (another connection / pool) records, per event, the time from the call to commit() to its handler
 *   (the commit itself included). SQLite wakes subscribers in-process; PostgreSQL through LISTEN/NOTIFY.
 * - catch-up: BACKLOG events (commits of 100) are written first, then a new subscriber delivers them from the start;
 *   reported as events per second delivered to the handler.
 * Usage: node scripts/bench/subscriptions.mjs [--backend sqlite|postgres|all] [--json]
 * Environment: STREAMSTORE_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_SECONDS (5),
 * BENCH_RATE (1000 commits/s), BENCH_BACKLOG (100000). PostgreSQL works in a schema of its own, dropped at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStreamStore } from '@streamstore/core';
import { postgresStorage } from '@streamstore/postgres';
import { sqliteStorage } from '@streamstore/sqlite';
import postgres from 'postgres';

const PG_URL = process.env.STREAMSTORE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 100_000);
const JSON_OUTPUT = process.argv.includes('--json');
const backendArg = process.argv.includes('--backend') ? process.argv[process.argv.indexOf('--backend') + 1] : 'all';
const BACKENDS = backendArg === 'all' ? ['sqlite', 'postgres'] : [backendArg];
const STREAMS = 32;
/** Commits in flight at once (PostgreSQL pools them; SQLite runs them one by one anyway). */
const CONCURRENCY = 16;

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('the subscriber did not catch up in time');
    await sleep(2);
  }
}

/** Two storages over the same data (writer, subscriber), a fresh one per phase, and their cleanup. */
function backendFactory(name) {
  if (name === 'sqlite') {
    const directory = mkdtempSync(join(tmpdir(), 'streamstore-bench-subs-'));
    let n = 0;
    return {
      pair() {
        const filename = join(directory, `bench-${++n}.db`);
        return [sqliteStorage({ filename }), sqliteStorage({ filename })];
      },
      async cleanup() {
        rmSync(directory, { recursive: true, force: true });
      },
    };
  }
  if (name === 'postgres') {
    const tag = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
    const created = [];
    let n = 0;
    return {
      pair() {
        const schema = `bench_subs_${tag}_${++n}`;
        created.push(schema);
        const options = { connectionString: PG_URL, schema, pool: { max: CONCURRENCY + 2 } };
        return [postgresStorage(options), postgresStorage(options)];
      },
      async cleanup() {
        const sql = postgres(PG_URL, { max: 1, onnotice: () => {} });
        for (const schema of created) await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
        await sql.end();
      },
    };
  }
  throw new Error(`unknown backend ${name}: use sqlite, postgres or all`);
}

async function lag(factory) {
  const [writerStorage, readerStorage] = factory.pair();
  const writer = await createStreamStore({ storage: writerStorage, provisionSchema: true });
  const reader = await createStreamStore({ storage: readerStorage, provisionSchema: true });
  const lags = [];
  const commits = [];
  const subscription = reader.subscribe({
    to: 'all',
    from: 'end',
    handler: (event) => void lags.push(performance.now() - event.data.t),
  });
  await subscription.caughtUp;
  await sleep(200); // PostgreSQL: LISTEN is set up asynchronously

  const total = Math.round(RATE * SECONDS);
  let issued = 0;
  let inFlight = 0;
  const start = performance.now();
  await new Promise((resolve, reject) => {
    const launch = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
      while (issued < due && inFlight < CONCURRENCY) {
        const n = issued++;
        inFlight++;
        const t = performance.now();
        writer.append(`stream-${n % STREAMS}`, 'any', [{ id: `e${n}`, type: 'Tick', data: { n, t } }]).then(() => {
          commits.push(performance.now() - t);
          inFlight--;
          if (issued === total && inFlight === 0) resolve();
          else setImmediate(launch);
        }, reject);
      }
      if (issued < total && inFlight < CONCURRENCY) setTimeout(launch, 1);
    };
    launch();
  });
  const writeSeconds = (performance.now() - start) / 1000;
  await waitFor(() => lags.length >= total, 30_000);
  await subscription.stop();
  await Promise.all([writer.close(), reader.close()]);
  lags.sort((x, y) => x - y);
  commits.sort((x, y) => x - y);
  return {
    commits: total,
    commitsPerSecond: Math.round(total / writeSeconds),
    commitP50Ms: percentile(commits, 50),
    lagP50Ms: percentile(lags, 50),
    lagP99Ms: percentile(lags, 99),
    lagMaxMs: lags[lags.length - 1],
  };
}

async function catchUp(factory) {
  const [writerStorage, readerStorage] = factory.pair();
  const writer = await createStreamStore({ storage: writerStorage, provisionSchema: true });
  const batch = 100;
  const writing = performance.now();
  for (let n = 0; n < BACKLOG; n += batch * CONCURRENCY) {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, c) => {
        const first = n + c * batch;
        if (first >= BACKLOG) return undefined;
        const events = Array.from({ length: Math.min(batch, BACKLOG - first) }, (_, i) => ({
          id: `b${first + i}`,
          type: 'OrderLineAdded',
          data: { orderId: `order-${(first + i) % 1000}`, sku: `SKU-${first + i}`, quantity: 2, price: 19.99 },
        }));
        return writer.append(`backlog-${c}`, 'any', events);
      }),
    );
  }
  const writeSeconds = (performance.now() - writing) / 1000;
  const reader = await createStreamStore({ storage: readerStorage, provisionSchema: true });
  let delivered = 0;
  const start = performance.now();
  const subscription = reader.subscribe({ to: 'all', batchSize: 1000, handler: () => void delivered++ });
  await subscription.caughtUp;
  await waitFor(() => delivered >= BACKLOG, 60_000);
  const seconds = (performance.now() - start) / 1000;
  await subscription.stop();
  await Promise.all([writer.close(), reader.close()]);
  return { events: BACKLOG, backlogWriteSeconds: writeSeconds, seconds, eventsPerSecond: Math.round(BACKLOG / seconds) };
}

const results = [];
for (const backend of BACKENDS) {
  const factory = backendFactory(backend);
  try {
    const lagResult = await lag(factory);
    const catchUpResult = await catchUp(factory);
    results.push({ backend, lag: lagResult, catchUp: catchUpResult });
    if (!JSON_OUTPUT) {
      const f = (ms) => ms.toFixed(2);
      console.log(
        `${backend.padEnd(8)} lag at ${lagResult.commitsPerSecond} commits/s (${lagResult.commits} commits): ` +
          `p50 ${f(lagResult.lagP50Ms)} ms, p99 ${f(lagResult.lagP99Ms)} ms, max ${f(lagResult.lagMaxMs)} ms ` +
          `(commit p50 ${f(lagResult.commitP50Ms)} ms)`,
      );
      console.log(
        `${backend.padEnd(8)} catch-up of ${catchUpResult.events} events: ${catchUpResult.eventsPerSecond} events/s ` +
          `(${catchUpResult.seconds.toFixed(2)} s; backlog written in ${catchUpResult.backlogWriteSeconds.toFixed(1)} s)`,
      );
    }
  } finally {
    await factory.cleanup();
  }
}
if (JSON_OUTPUT) console.log(JSON.stringify(results, null, 2));
