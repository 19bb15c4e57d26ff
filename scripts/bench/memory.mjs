// Micro-benchmark of the core over the in-memory storage: appends/s for batches of 1, 10, 100 and reads/s.
// Everything the core does is measured (validation, serialization, idempotency bookkeeping, paging,
// deserialization); event objects are built inside the timed loop with counter ids.
// Each workload runs in a fresh Node process: run one after another in one process, the later ones paid for the
// earlier ones' dead stores (hundreds of MB of old-generation garbage) and measured the heap, not the store.
// Usage: npm run bench:memory [-- --json]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createStreamStore, memoryStorage } from '@streamstore/core';

const json = process.argv.includes('--json');
const WORKLOADS = ['append-1', 'append-10', 'append-100', 'read'];
const EVENTS_PER_RUN = 600_000;

function makeEvent(n) {
  return {
    id: `evt-${n}`,
    type: 'OrderLineAdded',
    data: { orderId: `order-${n % 100}`, sku: `SKU-${n}`, quantity: (n % 5) + 1, price: 19.99, currency: 'EUR' },
    metadata: { user: 'u1', correlationId: 'c-1' },
  };
}

async function benchAppend(batchSize) {
  const store = await createStreamStore({ storage: memoryStorage() });
  const streams = 100;
  const revisions = new Array(streams).fill(0);
  let n = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let commit = 0; n < EVENTS_PER_RUN; commit++) {
    const s = commit % streams;
    const batch = new Array(batchSize);
    for (let i = 0; i < batchSize; i++) batch[i] = makeEvent(n++);
    revisions[s] = (await store.beginWrite(`stream-${s}`, revisions[s]).appendRange(batch).commit()).revision;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    workload: `append, batch ${batchSize}`,
    events: n,
    seconds,
    eventsPerSecond: n / seconds,
    eventsPerCpuSecond: n / cpuSeconds(cpu),
  };
}

async function benchRead() {
  const store = await createStreamStore({ storage: memoryStorage() });
  const streams = 10;
  let n = 0;
  for (let s = 0; s < streams; s++) {
    for (let b = 0; b < 10; b++) {
      await store
        .beginWrite(`stream-${s}`, 'any')
        .appendRange(Array.from({ length: 100 }, () => makeEvent(n++)))
        .commit();
    }
  }
  let events = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  while (events < 2_000_000) {
    for (let s = 0; s < streams; s++) {
      for await (const e of store.read(`stream-${s}`)) if (e.revision > 0) events++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    workload: 'read, 1000-event streams',
    events,
    seconds,
    eventsPerSecond: events / seconds,
    eventsPerCpuSecond: events / cpuSeconds(cpu),
  };
}

/** CPU seconds (user + system) this process used since `since`: steadier than wall time on a busy machine. */
function cpuSeconds(since) {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** Runs one workload in this process and returns its result. */
function runWorkload(name) {
  return name === 'read' ? benchRead() : benchAppend(Number(name.slice('append-'.length)));
}

const childIndex = process.argv.indexOf('--workload');
if (childIndex !== -1) {
  console.log(JSON.stringify(await runWorkload(process.argv[childIndex + 1])));
  process.exit(0);
}

const results = WORKLOADS.map((name) => {
  const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--workload', name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out);
});
if (json) {
  console.log(JSON.stringify({ node: process.version, backend: 'memory', results }, null, 2));
} else {
  console.log(`StreamStore in-memory micro-benchmark (Node ${process.version})`);
  console.table(
    results.map((r) => ({
      workload: r.workload,
      events: r.events,
      'events/s': Math.round(r.eventsPerSecond),
      'events/CPU-s': Math.round(r.eventsPerCpuSecond),
    })),
  );
}
