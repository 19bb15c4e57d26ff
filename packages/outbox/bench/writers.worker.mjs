// The live phase's writers, in a thread of their own with a store of their own over the same database, as an
// application beside its relay: their commits do not share the relay's event loop. Posts { ids, at } per commit (`at`:
// performance.timeOrigin + performance.now(), comparable across threads), then { done, events, seconds }.
import { parentPort, workerData } from 'node:worker_threads';
import { createStreamStore } from '@streamstore/core';
import { postgresStorage } from '@streamstore/postgres';
import { sqliteStorage } from '@streamstore/sqlite';
import { write } from './writers.mjs';

const { kind, connectionString, schema, filename, rate, seconds } = workerData;
const storage =
  kind === 'postgres'
    ? postgresStorage({ connectionString, schema, pool: { max: 8 } })
    : sqliteStorage({ filename, busyTimeoutMs: 30_000 });
const store = await createStreamStore({ storage });
const deadline = performance.now() + seconds * 1000;
const result = await write({
  store,
  until: () => performance.now() < deadline,
  rate,
  onCommit: (ids) => parentPort.postMessage({ ids, at: performance.timeOrigin + performance.now() }),
});
await store.close();
parentPort.postMessage({ done: true, ...result });
