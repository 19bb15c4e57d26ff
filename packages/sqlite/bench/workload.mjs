// Shared pieces of the SQLite benchmark: the event shape, the timed append loop, statistics.
import { createStreamStore } from '@streamstore/core';
import { sqliteStorage } from '@streamstore/sqlite';

/** Streams each writer spreads its commits over (its own, so writers never conflict). */
export const STREAMS_PER_WRITER = 10;

/** One event as an application would append it (about 200 bytes of JSON). */
export function makeEvent(writer, n) {
  return {
    id: `w${writer}-evt-${n}`,
    type: 'OrderLineAdded',
    data: { orderId: `order-${n % 100}`, sku: `SKU-${n}`, quantity: (n % 5) + 1, price: 19.99, currency: 'EUR' },
    metadata: { user: 'u1', correlationId: `c-${n}` },
  };
}

/** A store over `filename` (provisioned), with the benchmark's default settings and `options` over them. */
export function openStore(filename, options = {}) {
  return createStreamStore({ storage: sqliteStorage({ filename, busyTimeoutMs: 30_000, ...options }), provisionSchema: true });
}

/**
 * Appends batches of `batchSize` for `seconds` (after a short warm-up), each commit with the exact expected revision
 * of one of the writer's streams. Returns commit latencies in ms and the number of events.
 */
export async function appendLoop(store, writer, batchSize, seconds) {
  const revisions = new Array(STREAMS_PER_WRITER).fill(0);
  const latencies = [];
  let n = 0;
  const warmUpEnd = performance.now() + Math.min(300, seconds * 100);
  const end = warmUpEnd + seconds * 1000;
  let events = 0;
  for (let commit = 0; ; commit++) {
    const s = commit % STREAMS_PER_WRITER;
    const batch = new Array(batchSize);
    for (let i = 0; i < batchSize; i++) batch[i] = makeEvent(writer, n++);
    const started = performance.now();
    revisions[s] = (await store.append(`w${writer}-stream-${s}`, revisions[s], batch)).revision;
    const finished = performance.now();
    if (finished >= end) break;
    if (started >= warmUpEnd) {
      latencies.push(finished - started);
      events += batchSize;
    }
  }
  return { latencies, events };
}

/** The `p`-th percentile of sorted numbers. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
