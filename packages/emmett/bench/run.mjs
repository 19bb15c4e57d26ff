#!/usr/bin/env node
/**
 * Appends per second through Emmett's EventStore API: the adapter over StreamStore's PostgreSQL backend against
 * Emmett's own PostgreSQL store, same database, same workload, one after the other. Each of WRITERS concurrent writers
 * appends BATCH events at a time to a stream of its own, with the exact expected version (as a command handler does).
 * Usage: npm run build && npm run bench:peers && node packages/emmett/bench/run.mjs [seconds=5] [writers=8] [batch=1]
 */
import { createStreamStore } from '@streamstore/core';
import { getStreamStoreEventStore } from '@streamstore/emmett';
import { postgresStorage } from '@streamstore/postgres';
import postgres from 'postgres';

const [seconds = 5, writers = 8, batch = 1] = process.argv.slice(2).map(Number);
const url = process.env.STREAMSTORE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = `${process.pid}_${Date.now().toString(36)}`;
const admin = postgres(url, { max: 1, onnotice: () => {} });

/** Runs the workload against `eventStore` and returns events/s and latency percentiles (ms). */
async function measure(eventStore) {
  const latencies = [];
  let events = 0;
  const end = Date.now() + seconds * 1000;
  const writer = async (w) => {
    const stream = `bench-${w}-${tag}`;
    let version = 0n;
    while (Date.now() < end) {
      const payload = Array.from({ length: batch }, (_, i) => ({ type: 'Measured', data: { writer: w, i, at: Date.now() } }));
      const started = performance.now();
      const result = await eventStore.appendToStream(stream, payload, {
        expectedStreamVersion: version === 0n ? 'STREAM_DOES_NOT_EXIST' : version,
      });
      latencies.push(performance.now() - started);
      version = result.nextExpectedStreamVersion;
      events += batch;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2);
  return { eventsPerSecond: Math.round(events / elapsed), p50: at(0.5), p99: at(0.99) };
}

async function adapter() {
  const schema = `bench_emmett_adapter_${tag}`;
  const store = await createStreamStore({ storage: postgresStorage({ connectionString: url, schema }), provisionSchema: true });
  try {
    return await measure(getStreamStoreEventStore(store));
  } finally {
    await store.close();
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

async function emmett() {
  const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
  const schema = `bench_emmett_own_${tag}`;
  await admin.unsafe(`CREATE SCHEMA "${schema}"`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  const eventStore = getPostgreSQLEventStore(scoped.toString());
  try {
    await eventStore.schema.migrate();
    return await measure(eventStore);
  } finally {
    await eventStore.close();
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

const rows = [];
try {
  rows.push({ subject: '@streamstore/emmett on @streamstore/postgres', ...(await adapter()) });
  rows.push({ subject: "Emmett's PostgreSQL store (emmett-postgresql)", ...(await emmett()) });
} finally {
  await admin.end();
}
console.log(`${seconds}s, ${writers} writers, ${batch} event(s) per append, exact expected versions`);
console.table(rows);
console.log(JSON.stringify({ seconds, writers, batch, rows }));
