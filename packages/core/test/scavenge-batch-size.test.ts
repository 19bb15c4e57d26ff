import { describe, expect, it } from 'vitest';
import { createStreamStore, memoryStorage } from '../src/index.js';
import type { StreamStorage } from '../src/storage-spi.js';
import type { RemoveEventsQuery } from '../src/stream-metadata-spi.js';

/** A memory storage that records the limit of every removeEvents call and may name its own scavenge batch size. */
function recordingStorage(scavengeBatchSize: number | undefined): { storage: StreamStorage; limits: number[] } {
  const inner = memoryStorage();
  const limits: number[] = [];
  const storage = Object.create(inner, {
    scavengeBatchSize: { value: scavengeBatchSize },
    removeEvents: {
      value: (streamId: string, query: RemoveEventsQuery) => {
        limits.push(query.limit);
        return inner.removeEvents?.(streamId, query);
      },
    },
  }) as StreamStorage;
  return { storage, limits };
}

async function scavengeSeven(scavengeBatchSize: number | undefined, batchSize?: number): Promise<number[]> {
  const { storage, limits } = recordingStorage(scavengeBatchSize);
  const store = await createStreamStore({ storage });
  await store.append(
    's',
    'no-stream',
    Array.from({ length: 10 }, (_, i) => ({ type: 'T', data: i })),
  );
  await store.setStreamMetadata('s', { maxCount: 3 });
  const result = await store.scavenge({ streams: ['s'], ...(batchSize === undefined ? {} : { batchSize }) });
  expect(result.eventsRemoved).toBe(7);
  await store.close();
  return limits;
}

describe('scavenge batch size', () => {
  it("takes the backend's scavengeBatchSize when the caller gives none", async () => {
    expect(await scavengeSeven(3)).toEqual([3, 3, 3]);
  });

  it("lets the caller's batchSize win over the backend's", async () => {
    expect(await scavengeSeven(3, 5)).toEqual([5, 5]);
  });

  it('falls back to 1,000 when the backend names none', async () => {
    expect(await scavengeSeven(undefined)).toEqual([1000]);
  });
});
