import { createStreamStore, LimitExceededError, type StreamStore } from '@streamstore/core';
import type { EncodedEvent } from '@streamstore/core/storage';
import { encodedTestEvent } from '@streamstore/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { conditionalStorage, lockSql } from './support.js';

const MiB = 1024 * 1024;
const stores: StreamStore[] = [];

afterAll(async () => {
  for (const store of stores) await store.close();
  await lockSql.end({ timeout: 5 });
});

/** `count` events whose payloads all share one string, so the test itself holds one copy. */
function encodedEvents(count: number, data: string): EncodedEvent[] {
  return Array.from({ length: count }, (_, i) => encodedTestEvent(`e${i}`, { type: 'Big', data }));
}

describe('commit size on S3', () => {
  it('a commit of 520 events of 1 MiB is a typed LimitExceededError (maxCommitBytes), never a RangeError; nothing stored', async () => {
    const store = await createStreamStore({ storage: conditionalStorage(), provisionSchema: true });
    stores.push(store);
    // JSON of a string of n - 2 ASCII characters is exactly n bytes: each event sits at the 1 MiB per-event limit.
    const payload = 'x'.repeat(MiB - 2);
    const events = Array.from({ length: 520 }, (_, i) => ({ id: `big-${i}`, type: 'Big', data: payload }));
    const error = await store.append('huge', 'no-stream', events).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxCommitBytes', max: 16 * MiB });
    expect(await store.getStream('huge')).toBeNull();
  });

  it('declares the largest commit it can write and read back as capabilities.maxCommitBytes', () => {
    const storage = conditionalStorage();
    expect(storage.capabilities.maxCommitBytes).toBe(128 * MiB);
  });

  it('the storage itself refuses a commit object too large to build as a string with LimitExceededError', async () => {
    const storage = conditionalStorage();
    // Quotes double when escaped: 300 x 1 MiB of them is a 600 MiB object, beyond any JavaScript string.
    const events = encodedEvents(300, '"'.repeat(MiB));
    const error = await storage.append('huge', 'no-stream', events).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxCommitObjectChars' });
    expect(await storage.getStream('huge')).toBeNull();
    await storage.close();
  });

  it('a commit at the maxCommitBytes default (16 MiB) commits and reads back', async () => {
    const store = await createStreamStore({ storage: conditionalStorage(), provisionSchema: true });
    stores.push(store);
    const payload = 'q'.repeat(MiB - 2);
    // Fifteen 1 MiB events leave room below 16 MiB for the per-event bookkeeping.
    const events = Array.from({ length: 15 }, (_, i) => ({ id: `m-${i}`, type: 'Big', data: payload }));
    expect((await store.append('wide', 'no-stream', events)).revision).toBe(15);
    let count = 0;
    for await (const event of store.read('wide')) {
      expect(event.data).toBe(payload);
      count++;
    }
    expect(count).toBe(15);
  });
});
