#!/usr/bin/env node
/**
 * What OpenTelemetry costs on PostgreSQL commits: the same commits through a plain store ("off") and through a store
 * instrumented with openTelemetryInstrumentation() over a full SDK (async-hooks context manager, a tracer provider
 * with a batch span processor, a meter provider with a periodic reader) whose exporters discard everything ("otel").
 * Each commit is one traced span, a trace context stored in every event, and five metric recordings.
 * The two run in alternating rounds (off, otel, otel, off, ...) so that drift on the server (checkpoints, autovacuum)
 * falls on both alike; the table shows each one's median round, the overhead of otel over off from those medians, and
 * the median of the overheads of each pair of back-to-back rounds.
 * Usage: npm run build && node packages/opentelemetry/bench/postgres.mjs [--json]
 * Environment: STREAMSTORE_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_SECONDS per round (3),
 * BENCH_ROUNDS (8), BENCH_WRITERS (1,8), BENCH_BATCHES (1,10). Works in a schema of its own, dropped at the end.
 */
import { performance } from 'node:perf_hooks';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createStreamStore } from '@streamstore/core';
import { openTelemetryInstrumentation } from '@streamstore/opentelemetry';
import { postgresStorage } from '@streamstore/postgres';
import postgres from 'postgres';

const URL = process.env.STREAMSTORE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const list = (value, fallback) => (value ? value.split(',').map(Number) : fallback);
const WRITERS = list(process.env.BENCH_WRITERS, [1, 8]);
const BATCHES = list(process.env.BENCH_BATCHES, [1, 10]);
const JSON_OUTPUT = process.argv.includes('--json');
const SCHEMA = `bench_otel_${process.pid}`;
const STREAMS = 64;

/** Exporters that accept everything and keep nothing: the SDK's work without any I/O. */
const discardSpans = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
const discardMetrics = {
  export: (_metrics, done) => done({ code: 0 }),
  shutdown: async () => {},
  forceFlush: async () => {},
  selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
};

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discardSpans)] });
const meterProvider = new MeterProvider({
  readers: [new PeriodicExportingMetricReader({ exporter: discardMetrics, exportIntervalMillis: 1000 })],
});
const instrumentation = openTelemetryInstrumentation({ tracerProvider, meterProvider });

const payload = (i) => ({ orderId: `order-${i}`, amount: (i % 97) * 1.25, currency: 'EUR', items: [{ sku: 'sku-1', qty: 2 }] });
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const storage = postgresStorage({ connectionString: URL, schema: SCHEMA, pool: { max: 16 } });
const stores = {
  off: await createStreamStore({ storage, provisionSchema: true }),
  otel: await createStreamStore({ storage, instrumentation }),
};
const heads = new Map();
let sequence = 0;

/** `writers` loops committing `batch` events for SECONDS, each to its own streams (no conflicts). */
async function round(system, writers, batch) {
  const store = stores[system];
  const latencies = [];
  let commits = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const streamId = `order-${system}${writers}x${batch}-${w}-${n % (STREAMS / writers)}`;
        const events = Array.from({ length: batch }, () => {
          const i = sequence++;
          return { id: `e${i}`, type: 'OrderPlaced', data: payload(i), metadata: { user: 'u1' } };
        });
        const started = performance.now();
        const result = await store.append(streamId, heads.get(streamId) ?? 0, events);
        latencies.push(performance.now() - started);
        heads.set(streamId, result.revision);
        commits++;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    commitsPerSecond: commits / SECONDS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMsPerCommit: (used.user + used.system) / 1000 / commits,
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = [];
for (const writers of WRITERS) {
  for (const batch of BATCHES) {
    await round('off', writers, batch); // warm-up: prepared statements, JIT
    await round('otel', writers, batch);
    const runs = { off: [], otel: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const system of r % 2 === 0 ? ['off', 'otel'] : ['otel', 'off'])
        runs[system].push(await round(system, writers, batch));
    }
    const cell = { writers, batch };
    for (const system of ['off', 'otel']) {
      cell[system] = Object.fromEntries(
        ['commitsPerSecond', 'p50', 'p99', 'cpuMsPerCommit'].map((key) => [key, median(runs[system].map((run) => run[key]))]),
      );
    }
    cell.overheadPercent = (cell.off.commitsPerSecond / cell.otel.commitsPerSecond - 1) * 100;
    // Round r of each side ran back to back, so their ratio is free of the server's slower drift (fsync latency,
    // checkpoints): the median of these paired ratios is the figure to read when the two medians disagree with it.
    const paired = runs.off.map((off, r) => (off.commitsPerSecond / runs.otel[r].commitsPerSecond - 1) * 100);
    cell.pairedOverheadPercent = median(paired);
    results.push(cell);
  }
}

await Promise.all([stores.off.close(), tracerProvider.shutdown(), meterProvider.shutdown()]);
const admin = postgres(URL, { max: 1, onnotice: () => {} });
await admin`DROP SCHEMA IF EXISTS ${admin(SCHEMA)} CASCADE`;
await admin.end();

console.log(`OpenTelemetry on PostgreSQL commits (Node ${process.version}, ${ROUNDS} rounds of ${SECONDS} s, medians)`);
console.table(
  results.map((r) => ({
    writers: r.writers,
    batch: r.batch,
    'off commits/s': Math.round(r.off.commitsPerSecond),
    'otel commits/s': Math.round(r.otel.commitsPerSecond),
    'overhead %': r.overheadPercent.toFixed(1),
    'paired overhead %': r.pairedOverheadPercent.toFixed(1),
    'off p50/p99 ms': `${r.off.p50.toFixed(2)} / ${r.off.p99.toFixed(2)}`,
    'otel p50/p99 ms': `${r.otel.p50.toFixed(2)} / ${r.otel.p99.toFixed(2)}`,
    'off CPU ms/commit': r.off.cpuMsPerCommit.toFixed(3),
    'otel CPU ms/commit': r.otel.cpuMsPerCommit.toFixed(3),
  })),
);
if (JSON_OUTPUT) console.log(JSON.stringify({ node: process.version, seconds: SECONDS, rounds: ROUNDS, results }, null, 2));
