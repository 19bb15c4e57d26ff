/** A served store with data, an in-memory consumer admin, and request helpers for the API tests. */
import { createStreamStore, memoryStorage, type StreamStore } from '@streamstore/core';
import type { ConsumerAdmin, DeadLetterEntry } from '@streamstore/server';

/** Stream ids that must survive URLs unchanged. */
export const AWKWARD_IDS = ['a/b/c', '100%-done', '..', '.', 'x/../y', 'ünïcødé-流-🚀', 'sp ace+plus&amp=1?#'];

/** Event data that would run script if it ever reached the page as markup. */
export const XSS_DATA = {
  html: '<script>window.__xss = 1</script>',
  img: '<img src=x onerror="window.__xss = 2">',
  nested: { svg: '<svg onload="window.__xss = 3"></svg>' },
};

/** A memory store with an order category, awkward ids and an XSS event. */
export async function storeWithData(): Promise<StreamStore> {
  const store = await createStreamStore({ storage: memoryStorage(), provisionSchema: true });
  for (let order = 1; order <= 3; order++) {
    await store.append(`order-${order}`, 'no-stream', [
      { type: 'OrderPlaced', data: { order, total: order * 10 }, metadata: { user: 'ann' } },
      { type: 'OrderPaid', data: { order } },
    ]);
  }
  for (const id of AWKWARD_IDS) await store.append(id, 'no-stream', [{ type: 'Odd', data: { id } }]);
  await store.append('xss-1', 'no-stream', [{ type: '<b>Type</b>', data: XSS_DATA, metadata: { note: '<script>1</script>' } }]);
  const many = Array.from({ length: 250 }, (_, index) => ({ type: 'Tick', data: { index } }));
  await store.append('clock-1', 'no-stream', many);
  return store;
}

/** An in-memory consumer admin with two consumers and two dead letters. */
export function fakeConsumers(): ConsumerAdmin & { letters: DeadLetterEntry[] } {
  const letter = (id: string, revision: number): DeadLetterEntry => ({
    id,
    consumer: 'totals',
    streamId: 'order-1',
    revision,
    position: String(revision),
    eventId: `e${revision}`,
    type: 'OrderPlaced',
    error: 'Error: <img src=x onerror=alert(1)>',
    attempts: 3,
    failedAt: new Date('2025-01-01T00:00:00Z'),
  });
  const letters = [letter('1', 1), letter('2', 2)];
  return {
    letters,
    async consumers() {
      return [
        { consumer: 'totals', checkpoint: '5', updatedAt: new Date(), lag: 10 },
        { consumer: 'per-stream', checkpoint: 'order-1:1', updatedAt: new Date(), lag: null },
      ];
    },
    async deadLetters(consumer) {
      return letters.filter((entry) => consumer === undefined || entry.consumer === consumer);
    },
    async retry(id) {
      const index = letters.findIndex((entry) => entry.id === id);
      if (index < 0) return { status: 'not-found' };
      if (id === '2') return { status: 'not-retryable', reason: 'the checkpoint is not a position' };
      letters.splice(index, 1);
      return { status: 'retried', checkpoint: '0' };
    },
    async discard(id) {
      const index = letters.findIndex((entry) => entry.id === id);
      if (index < 0) return false;
      letters.splice(index, 1);
      return true;
    },
  };
}

/** A query string with the values percent-encoded. */
export function qs(values: Record<string, string | number>): string {
  return `?${new URLSearchParams(Object.entries(values).map(([key, value]): [string, string] => [key, String(value)])).toString()}`;
}
