// Serve benchmark: reading a 100-event stream page and a 100-event page of the global log through the HTTP API
// (autocannon, 10 connections, against the server in its own process) and the same reads through the library
// in-process (10 concurrent readers), on one SQLite file. Prints requests/s, events/s and latency percentiles as a
// table and as JSON; the target is HTTP >= 50% of the in-process events/s.
// Usage: npm run bench:serve [-- --seconds 10] [-- --json]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStreamStore } from '@streamstore/core';
import { sqliteStorage } from '@streamstore/sqlite';
import autocannon from 'autocannon';

const args = process.argv.slice(2);
const json = args.includes('--json');
const secondsArg = args.indexOf('--seconds');
const SECONDS = secondsArg >= 0 ? Number(args[secondsArg + 1]) : 10;
const CONNECTIONS = 10;
const PAGE = 100;
const TOKEN = 'bench-token-0123456789abcdef';
const directory = mkdtempSync(join(tmpdir(), 'streamstore-bench-serve-'));
const file = join(directory, 'events.db');

/** A realistic event: a small order document with metadata. */
const event = (index) => ({
  type: 'OrderLineAdded',
  data: { order: `order-${index % 50}`, line: index, sku: `SKU-${index % 997}`, quantity: 1 + (index % 5), price: 9.99 },
  metadata: { correlationId: `c-${index}`, user: 'bench' },
});

async function seed() {
  const store = await createStreamStore({ storage: sqliteStorage({ filename: file }), provisionSchema: true });
  await store.append(
    'bench-1',
    'no-stream',
    Array.from({ length: PAGE }, (_, index) => event(index)),
  );
  for (let stream = 0; stream < 100; stream++) {
    await store.append(
      `other-${stream}`,
      'no-stream',
      Array.from({ length: 100 }, (_, index) => event(index)),
    );
  }
  return store;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** `CONNECTIONS` concurrent in-process readers for SECONDS: requests/s, events/s and latency percentiles. */
async function inProcess(name, read) {
  const latencies = [];
  let events = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        let count = 0;
        for await (const _ of read()) count++;
        latencies.push(performance.now() - started);
        events += count;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    workload: name,
    via: 'in-process',
    requestsPerSecond: latencies.length / SECONDS,
    eventsPerSecond: events / SECONDS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

async function overHttp(name, url) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return {
    workload: name,
    via: 'http',
    requestsPerSecond: result.requests.average,
    eventsPerSecond: result.requests.average * PAGE,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

function startServerProcess() {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./server-child.mjs', import.meta.url)), file, TOKEN], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.once('data', (chunk) => resolve({ child, url: String(chunk).trim() }));
  });
}

const store = await seed();
const rows = [];
try {
  rows.push(await inProcess('stream page (100 events)', () => store.read('bench-1', { maxCount: PAGE, pageSize: PAGE + 1 })));
  rows.push(await inProcess('log page (100 events)', () => store.readAll({ from: '5000', maxCount: PAGE, pageSize: PAGE + 1 })));
  const { child, url } = await startServerProcess();
  try {
    // The API reads limit + 1 events to know whether a next page exists; the in-process reads above do the same.
    rows.push(await overHttp('stream page (100 events)', `${url}/api/stream/events?id=bench-1&limit=${PAGE}`));
    rows.push(await overHttp('log page (100 events)', `${url}/api/log?after=5000&limit=${PAGE}`));
  } finally {
    child.kill('SIGTERM');
  }
} finally {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
}

const ratios = ['stream page (100 events)', 'log page (100 events)'].map((workload) => {
  const local = rows.find((row) => row.workload === workload && row.via === 'in-process');
  const http = rows.find((row) => row.workload === workload && row.via === 'http');
  return { workload, httpShare: http.eventsPerSecond / local.eventsPerSecond, target: 0.5 };
});

if (json) {
  console.log(JSON.stringify({ seconds: SECONDS, connections: CONNECTIONS, rows, ratios }, null, 2));
} else {
  const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  console.log(`serve benchmark: ${SECONDS} s per row, ${CONNECTIONS} concurrent readers, SQLite, Node ${process.version}\n`);
  console.log('workload                   via          req/s    events/s   p50 ms   p99 ms');
  for (const row of rows) {
    console.log(
      `${row.workload.padEnd(26)} ${row.via.padEnd(10)} ${fmt(row.requestsPerSecond).padStart(8)} ${fmt(row.eventsPerSecond).padStart(11)} ${fmt(row.p50Ms, 2).padStart(8)} ${fmt(row.p99Ms, 2).padStart(8)}`,
    );
  }
  console.log('');
  for (const ratio of ratios) {
    const ok = ratio.httpShare >= ratio.target ? 'meets' : 'MISSES';
    console.log(
      `${ratio.workload}: HTTP at ${(ratio.httpShare * 100).toFixed(0)}% of in-process events/s (${ok} the 50% target)`,
    );
  }
  console.log(`\n${JSON.stringify({ rows, ratios })}`);
}
