/**
 * Stream metadata on S3 beyond the kit: writers racing on a document that exists (conditional mode: `If-Match` on
 * the ETag read; lock mode: the stream's lease), and where the object lives.
 */
import type { S3Storage } from '@streamstore/s3';
import { afterAll, describe, expect, it } from 'vitest';
import { conditionalStorage, lockedStorage, lockSql } from './support.js';

afterAll(async () => {
  await lockSql.end({ timeout: 5 });
});

describe.each([
  ['conditional writes', () => conditionalStorage()],
  ['lock mode', () => lockedStorage()],
])('s3 stream metadata (%s)', (_mode, open: () => S3Storage) => {
  it('of writers expecting the same existing revision exactly one wins; the others see its revision', async () => {
    const storage = open();
    try {
      expect(await storage.setStreamMetadata('s', 0, '{"maxCount":1}')).toEqual({ status: 'ok', revision: 1 });
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          storage.setStreamMetadata('s', 1, `{"maxCount":${i + 2}}`).catch((error: unknown) => error),
        ),
      );
      const won = outcomes.filter((outcome) => (outcome as { status?: string }).status === 'ok');
      expect(won).toEqual([{ status: 'ok', revision: 2 }]);
      for (const outcome of outcomes) {
        if ((outcome as { status?: string }).status === 'conflict') expect(outcome).toEqual({ status: 'conflict', actual: 2 });
        // Lock mode: a writer that could not get the lease in time is refused with StreamLockedError.
        else if (!won.includes(outcome as never)) expect((outcome as Error).name).toBe('StreamLockedError');
      }
      expect((await storage.getStreamMetadata('s'))?.revision).toBe(2);
    } finally {
      await storage.close();
    }
  });

  it("'any' writers racing each get a revision of their own, none lost", async () => {
    const storage = open();
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, (_, i) => storage.setStreamMetadata('a', 'any', `{"n":${i}}`)),
      );
      expect(outcomes.map((outcome) => (outcome.status === 'ok' ? outcome.revision : 0)).sort()).toEqual([1, 2, 3, 4, 5]);
      expect((await storage.getStreamMetadata('a'))?.revision).toBe(5);
    } finally {
      await storage.close();
    }
  });

  it('keeps the document across deletes of the stream; a stream without events stays absent', async () => {
    const storage = open();
    try {
      await storage.setStreamMetadata('d', 0, '{"custom":{"k":1}}');
      expect(await storage.getStream('d')).toBeNull();
      expect(await storage.listStreams({ limit: 10 })).toEqual([]);
      expect(await storage.deleteStream('d', undefined)).toEqual({ status: 'ok', deleted: false });
      expect(await storage.getStreamMetadata('d')).toEqual({ revision: 1, json: '{"custom":{"k":1}}' });
    } finally {
      await storage.close();
    }
  });
});
