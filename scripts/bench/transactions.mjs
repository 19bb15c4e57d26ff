// Cost of a commit inside store.transaction against a plain commit of the same events (issue 18's target: at most
// 1.1x), on SQLite and PostgreSQL. One writer, 1-event commits, alternated rounds so drift hits both sides alike.
// Prints per-commit latency (median of rounds) as a table and as JSON. Usage: npm run build && node scripts/bench/transactions.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStreamStore } from '@streamstore/core';
import { postgresStorage } from '@streamstore/postgres';
import { sqliteStorage } from '@streamstore/sqlite';

const ROUNDS = 7;
const COMMITS = Number(process.env.COMMITS ?? 200);
const URL = process.env.STREAMSTORE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let seq = 0;
const event = () => ({ id: `e${++seq}`, type: 'Tick', data: { n: seq, pad: 'x'.repeat(64) } });

/** µs per commit of `commits` 1-event commits, each plain, or all inside one transaction, or each in its own. */
async function measure(store, mode) {
  const started = performance.now();
  if (mode === 'plain') {
    for (let i = 0; i < COMMITS; i++) await store.append(`s-${i % 10}`, 'any', [event()]);
  } else if (mode === 'in-transaction') {
    await store.transaction(async (tx) => {
      for (let i = 0; i < COMMITS; i++) await tx.append(`s-${i % 10}`, 'any', [event()]);
    });
  } else {
    for (let i = 0; i < COMMITS; i++) await store.transaction((tx) => tx.append(`s-${i % 10}`, 'any', [event()]));
  }
  return ((performance.now() - started) * 1000) / COMMITS;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function bench(name, storage) {
  const store = await createStreamStore({ storage, provisionSchema: true });
  const modes = ['plain', 'in-transaction', 'transaction-each'];
  const samples = Object.fromEntries(modes.map((mode) => [mode, []]));
  for (const mode of modes) await measure(store, mode); // warm-up
  for (let round = 0; round < ROUNDS; round++) for (const mode of modes) samples[mode].push(await measure(store, mode));
  await store.close();
  const plain = median(samples.plain);
  return modes.map((mode) => ({
    backend: name,
    mode,
    usPerCommit: Math.round(median(samples[mode])),
    ratio: +(median(samples[mode]) / plain).toFixed(2),
  }));
}

const directory = mkdtempSync(join(tmpdir(), 'streamstore-bench-tx-'));
const schema = `bench_tx_${process.pid}`;
const results = [];
try {
  results.push(...(await bench('sqlite', sqliteStorage({ filename: join(directory, 'bench.db') }))));
  results.push(...(await bench('postgres', postgresStorage({ connectionString: URL, schema }))));
} finally {
  rmSync(directory, { recursive: true, force: true });
  const { default: postgres } = await import('postgres');
  const admin = postgres(URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
console.log(`${COMMITS} one-event commits per sample, median of ${ROUNDS} rounds`);
console.log('backend   mode               µs/commit  x plain');
for (const r of results)
  console.log(`${r.backend.padEnd(10)}${r.mode.padEnd(19)}${String(r.usPerCommit).padStart(9)}  ${r.ratio.toFixed(2)}`);
console.log(JSON.stringify(results));
