#!/usr/bin/env node
// Soak test: a sustained run per reachable backend (memory, sqlite; postgres, cassandra, s3 when their servers
// answer) with many writers, stream readers and a global-log tailer, reporting every ~10 s; then every stream is
// verified against what was acknowledged and the heap is compared with its size after warm-up.
// Exit code 1 on a lost, duplicated or reordered event, an unexpected error, or memory growth beyond tolerance.
// Usage (after `npm run build`): node --expose-gc scripts/soak/run.mjs [--minutes 10] [--backend sqlite,postgres]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createStreamStore } from '@streamstore/core';
import { Command, InvalidArgumentError } from 'commander';
import { BACKEND_NAMES, openBackend } from './backends.mjs';
import { mb, SoakStats } from './stats.mjs';
import { settledHeapUsed, verifyStreams } from './verify.mjs';
import { Gate, Ledger, runWorkload } from './workload.mjs';

// Forced collections are what make heap samples comparable: re-run under --expose-gc if needed.
if (typeof globalThis.gc !== 'function') {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, self, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

const positive = (value) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
};

const options = new Command('soak')
  .description('sustained load on every reachable backend; verifies every stream and that memory stays flat')
  .option('--minutes <n>', 'total duration, split evenly across the backends', positive, 10)
  .option('--backend <names>', `comma-separated subset of ${BACKEND_NAMES.join(',')} (default: all reachable)`)
  .option('--writers <n>', 'concurrent writers', positive, 16)
  .option('--readers <n>', 'concurrent stream readers', positive, 4)
  .option('--streams <n>', 'streams written to', positive, 256)
  .option('--seed <n>', 'seed of the writers and readers', positive, 1)
  .option('--report-seconds <n>', 'seconds between report lines', positive, 10)
  .option('--rate <n>', 'at most n commits/s per backend (default: unthrottled, memory: 1000)', positive)
  .option('--heap-tolerance-mb <n>', 'allowed heapUsed growth after warm-up (bounded-memory backends)', positive, 16)
  .option('--json', 'print the summary as JSON')
  .parse()
  .opts();

/**
 * Backends whose heap legitimately grows with the data: the in-memory storage holds every event; the S3 storage
 * caches, per stream, its commit keys and event ids (see packages/s3/README.md). Their growth is checked per
 * acknowledged event against a budget instead of being expected flat.
 */
const HEAP_PER_EVENT_BUDGET = { memory: 2_048, s3: 512 };

const requested = options.backend ? options.backend.split(',').map((name) => name.trim()) : BACKEND_NAMES;
for (const name of requested) {
  if (!BACKEND_NAMES.includes(name)) {
    console.error(`unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`);
    process.exit(2);
  }
}

const opened = [];
const failures = [];
for (const name of requested) {
  const backend = await openBackend(name);
  if (backend.skipped) {
    console.log(`[${name}] skipped: ${backend.skipped}`);
    if (options.backend) failures.push(`${name}: requested but not reachable (${backend.skipped})`);
  } else opened.push({ name, ...backend });
}

const sliceMs = (options.minutes * 60_000) / Math.max(1, opened.length);
const results = [];
console.log(
  `soak: ${opened.map((b) => b.name).join(', ') || 'no backend'}, ${(sliceMs / 1000).toFixed(0)} s each, ` +
    `${options.writers} writers, ${options.readers} readers, ${options.streams} streams, seed ${options.seed}`,
);

for (const backend of opened) {
  const result = await soakOne(backend);
  results.push(result);
  failures.push(...result.failures.map((text) => `${backend.name}: ${text}`));
}

if (options.json) console.log(JSON.stringify({ options, results, failures }, null, 2));
console.log(failures.length === 0 ? 'soak: OK' : `soak: FAILED\n  ${failures.join('\n  ')}`);
process.exit(failures.length === 0 ? 0 : 1);

/** One backend: warm-up, steady run with reports, stop, memory check, verification, cleanup. */
async function soakOne(backend) {
  const { name } = backend;
  console.log(`[${name}] ${backend.describe}`);
  const store = await createStreamStore({ storage: backend.create(), provisionSchema: true });
  const stats = new SoakStats();
  const ledger = new Ledger(options.streams);
  const gate = new Gate();
  const started = performance.now();
  const end = started + sliceMs;
  const elapsed = () => (performance.now() - started) / 1000;
  const timer = setInterval(() => console.log(stats.report(name, elapsed())), options.reportSeconds * 1000);

  // The baseline is taken once caches, pools and JIT have settled (after a quarter of the run, at least 5 s), with
  // the workload paused between operations, as it is at the end.
  let baseline;
  const warmup = new Promise((resolve) =>
    setTimeout(
      async () => {
        baseline = await gate.quiet(async () => ({ heapUsed: await settledHeapUsed(), events: stats.events }));
        console.log(`[${name}] warm-up done: heapUsed ${mb(baseline.heapUsed)} MB after ${stats.events} events`);
        resolve();
      },
      Math.min(sliceMs / 2, Math.max(5_000, sliceMs / 4)),
    ),
  );

  const { tailed } = await runWorkload(store, {
    writers: options.writers,
    readers: options.readers,
    streams: options.streams,
    seed: options.seed,
    // The in-memory backend keeps every event in the heap: unthrottled, it fills gigabytes within a minute.
    rate: options.rate ?? (name === 'memory' ? 1_000 : undefined),
    stats,
    ledger,
    gate,
    until: () => performance.now() >= end,
  });
  clearInterval(timer);
  await warmup;
  console.log(stats.report(name, elapsed()));

  const finalHeap = await settledHeapUsed();
  const growth = finalHeap - baseline.heapUsed;
  const eventsSinceWarmup = stats.events - baseline.events;
  const budget = HEAP_PER_EVENT_BUDGET[name];
  const allowed =
    budget === undefined
      ? options.heapToleranceMb * 1024 * 1024
      : options.heapToleranceMb * 1024 * 1024 + budget * eventsSinceWarmup;
  const memory = {
    baselineMb: Number(mb(baseline.heapUsed)),
    finalMb: Number(mb(finalHeap)),
    growthMb: Number(mb(growth)),
    allowedMb: Number(mb(allowed)),
    bytesPerEventSinceWarmup: eventsSinceWarmup > 0 ? Math.round(growth / eventsSinceWarmup) : 0,
    rssMb: Number(mb(process.memoryUsage().rss)),
  };
  console.log(
    `[${name}] heapUsed after forced GC: ${memory.baselineMb} MB after warm-up, ${memory.finalMb} MB at the end ` +
      `(growth ${memory.growthMb} MB, ${memory.bytesPerEventSinceWarmup} B per event since warm-up; allowed ${memory.allowedMb} MB` +
      `${budget === undefined ? '' : `: ${options.heapToleranceMb} MB + ${budget} B per event, the backend keeps data in the heap`})`,
  );

  const verifyStarted = performance.now();
  const problems = await verifyStreams(store, ledger, options.streams, tailed);
  console.log(
    `[${name}] verified ${options.streams} streams, ${stats.events} acknowledged events in ${((performance.now() - verifyStarted) / 1000).toFixed(1)} s: ` +
      `${problems.length === 0 ? 'every acknowledged event present once, in order, commits whole, no gaps' : `${problems.length} problem(s)`}`,
  );
  await store.close();
  await backend.cleanup();

  const failures = [];
  for (const [code, { count, first }] of stats.errors) failures.push(`${count} unexpected ${code} error(s); first: ${first}`);
  failures.push(...stats.problems, ...problems);
  if (growth > allowed) failures.push(`heapUsed grew by ${memory.growthMb} MB after warm-up (allowed ${memory.allowedMb} MB)`);
  if (stats.commits === 0) failures.push('no commit was acknowledged');
  return { backend: name, ...stats.summary(), memory, failures };
}
