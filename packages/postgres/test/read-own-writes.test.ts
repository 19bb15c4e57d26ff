/**
 * A reader sees its own acknowledged commit in the global log at once, even while other writers of the same store
 * keep committing (their appends in flight hold the log's tail back for a moment: readAll waits for them).
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

describe('postgres global log, read your writes', () => {
  it('a commit is in readAll as soon as it is acknowledged, while 6 other writers of the store keep committing', async () => {
    const storage = freshStorage('ryw', { max: 10 });
    schemas.push(storage.schema);
    const store = await createStreamStore({ storage, provisionSchema: true });
    let stop = false;
    const writers = Array.from({ length: 6 }, async (_, w) => {
      for (let n = 0; !stop; n++) await store.append(`busy-${w}`, 'any', [{ id: `b${w}-${n}`, type: 't', data: n }]);
    });
    let checkpoint: string | undefined;
    const missed: string[] = [];
    for (let i = 0; i < 60; i++) {
      const { position } = await store.append('mine', 'any', [{ id: `m${i}`, type: 't', data: i }]);
      const seen = new Set<string>();
      for await (const event of store.readAll({ from: checkpoint, pageSize: 1000 })) seen.add(event.id);
      if (!seen.has(`m${i}`)) missed.push(`m${i} at ${position}`);
      checkpoint = position;
    }
    stop = true;
    await Promise.all(writers);
    expect(missed).toEqual([]);
    await store.close();
  });
});
