/**
 * Aborting a call at any moment leaves the pool whole: a commit aborted right after it was started (before postgres.js
 * hands it to a connection) must not cost a pool connection, or later calls would wait forever.
 */
import { createStreamStore } from '@streamstore/core';
import { afterAll, describe, expect, it } from 'vitest';
import { adminClient, freshStorage } from './support.js';

const admin = adminClient();
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
  await admin.end();
});

describe('postgres abort and the pool', () => {
  it('40 commits aborted at different moments on a pool of 2 all settle, and the pool still serves', async () => {
    const storage = freshStorage('abortpool', { max: 2 });
    schemas.push(storage.schema);
    const store = await createStreamStore({ storage, provisionSchema: true });
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 40; attempt++) {
      const controller = new AbortController();
      const commit = store.append(`race-${attempt}`, 'no-stream', [{ id: 'e', type: 't', data: attempt }], {
        signal: controller.signal,
      });
      if (attempt % 3 === 0) await Promise.resolve().then(() => controller.abort());
      else if (attempt % 3 === 1) queueMicrotask(() => controller.abort());
      else setTimeout(() => controller.abort(), 0);
      outcomes.push(
        await commit.then(
          () => 'committed',
          (error: Error) => error.name,
        ),
      );
      const events = [];
      for await (const event of store.read(`race-${attempt}`)) events.push(event);
      expect(events.length).toBe(outcomes.at(-1) === 'committed' ? 1 : events.length);
    }
    expect(outcomes.every((outcome) => outcome === 'committed' || outcome === 'AbortError')).toBe(true);
    expect((await store.append('after', 'no-stream', [{ id: 'a', type: 't', data: 1 }])).revision).toBe(1);
    await store.close();
  }, 30_000);
});
