// Benchmark of @streamstore/s3 against the local RADOS Gateway (scripts/services/s3/start.sh), conditional mode.
// Prints append and read throughput with p50/p99 latency, and the HTTP requests per commit and per read page,
// counted by an SDK middleware. Short by design (well under a minute on 2 cores).
// Usage: npm run bench:s3 [-- --json]
import { randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { createStreamStore } from '@streamstore/core';
import { s3Storage } from '@streamstore/s3';

const json = process.argv.includes('--json');
const port = process.env.STREAMSTORE_S3_PORT ?? '7480';
const requests = new Map();

const client = new S3Client({
  endpoint: `http://127.0.0.1:${port}`,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'streamstore-test-key', secretAccessKey: 'streamstore-test-secret' },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  maxAttempts: 1,
});
// One count per HTTP request, by command.
client.middlewareStack.add(
  (next, context) => (args) => {
    requests.set(context.commandName, (requests.get(context.commandName) ?? 0) + 1);
    return next(args);
  },
  { step: 'finalizeRequest', name: 'countRequests' },
);

const countRequests = () => [...requests.values()].reduce((a, b) => a + b, 0);
const byCommand = () => Object.fromEntries([...requests].map(([k, v]) => [k.replace('Command', ''), v]));

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function makeEvent(n) {
  return {
    id: `evt-${n}`,
    type: 'OrderLineAdded',
    data: { orderId: `order-${n % 100}`, sku: `SKU-${n}`, quantity: (n % 5) + 1, price: 19.99, currency: 'EUR' },
    metadata: { user: 'u1' },
  };
}

function storageAt(prefix) {
  return s3Storage({ client, bucket: 'streamstore-test', prefix });
}

async function newStore() {
  const prefix = `bench/${Date.now()}-${randomUUID().slice(0, 8)}/`;
  const store = await createStreamStore({ storage: storageAt(prefix), provisionSchema: true });
  requests.clear();
  return { store, prefix };
}

/** `commits` commits of `batch` events over `streams` streams, `concurrency` writers, exact expected revisions. */
async function benchAppend({ batch, streams, commits, concurrency }) {
  const { store } = await newStore();
  const revisions = new Array(streams).fill(0);
  const latencies = [];
  let next = 0;
  let n = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let c = next++; c < commits; c = next++) {
        // Each worker owns its streams, so no conflicts: the cost measured is the protocol's, not retries.
        const s = (c % (streams / concurrency)) * concurrency + worker;
        const events = Array.from({ length: batch }, () => makeEvent(n++));
        const t = performance.now();
        revisions[s] = (await store.append(`stream-${s}`, revisions[s], events)).revision;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const total = countRequests();
  await store.close();
  return {
    workload: `append batch ${batch}, ${streams} streams, ${concurrency} writers`,
    commits,
    events: commits * batch,
    eventsPerSecond: (commits * batch) / seconds,
    commitsPerSecond: commits / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    requestsPerCommit: total / commits,
    requests: byCommand(),
  };
}

/** Reads a stream of `commits` commits of `batch` events, `pageSize` events per page, first cold then warm. */
async function benchRead({ batch, commits, pageSize, readers }) {
  const { store: writer, prefix } = await newStore();
  for (let c = 0; c < commits; c++) {
    await writer.append(
      'long',
      c * batch,
      Array.from({ length: batch }, (_, i) => makeEvent(c * batch + i)),
    );
  }
  const results = [];
  for (const phase of ['cold (new store)', 'warm']) {
    const store = phase === 'warm' ? writer : await createStreamStore({ storage: storageAt(prefix) });
    requests.clear();
    const latencies = [];
    let events = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: readers }, async () => {
        const t = performance.now();
        for await (const _ of store.read('long', { pageSize })) events++;
        latencies.push(performance.now() - t);
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    const pages = readers * Math.ceil((commits * batch) / pageSize);
    results.push({
      workload: `read ${commits * batch} events (${commits} commits of ${batch}), pages of ${pageSize}, ${readers} readers, ${phase}`,
      events,
      eventsPerSecond: events / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      requestsPerPage: countRequests() / pages,
      requests: byCommand(),
    });
    if (phase !== 'warm') await store.close();
  }
  await writer.close();
  return results;
}

const rows = [];
rows.push(await benchAppend({ batch: 1, streams: 32, commits: 600, concurrency: 8 }));
rows.push(await benchAppend({ batch: 10, streams: 32, commits: 300, concurrency: 8 }));
rows.push(await benchAppend({ batch: 1, streams: 1, commits: 150, concurrency: 1 }));
rows.push(...(await benchRead({ batch: 1, commits: 500, pageSize: 100, readers: 4 })));
rows.push(...(await benchRead({ batch: 10, commits: 100, pageSize: 100, readers: 4 })));
client.destroy();

if (json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  const fmt = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 0)) : String(v ?? ''));
  console.log('| workload | events/s | p50 ms | p99 ms | requests/commit | requests/page | requests by kind |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    const kinds = Object.entries(r.requests)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(
      `| ${r.workload} | ${fmt(r.eventsPerSecond)} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.requestsPerCommit)} | ${fmt(r.requestsPerPage)} | ${kinds} |`,
    );
  }
  console.log('\np50/p99: per commit for appends, per whole-stream read for reads.');
}
