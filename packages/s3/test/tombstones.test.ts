/**
 * Tombstones on S3 beyond the kit: appends racing a hard delete (each lands before the tombstone, and is deleted with
 * the stream, or is refused with 'deleted'; nothing ever lands after it), in both commit modes.
 */

import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { EncodedEvent } from '@streamstore/core/storage';
import type { S3Storage } from '@streamstore/s3';
import { encodedTestEvent } from '@streamstore/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { conditionalStorage, gateway, gatewayClient, lockedStorage, lockSql } from './support.js';

afterAll(async () => {
  await lockSql.end({ timeout: 5 });
});

const encoded = (id: string): EncodedEvent => encodedTestEvent(id, { type: 'Tick', timestamp: Date.now() });

describe.each([
  ['conditional writes', (prefix?: string) => conditionalStorage(prefix)],
  ['lock mode', (prefix?: string) => lockedStorage(prefix)],
])('s3 tombstones (%s)', (_mode, open: (prefix?: string) => S3Storage) => {
  it('appends racing a hard delete land before the tombstone or are refused; none after it', async () => {
    const storage = open();
    const other = open(storage.root); // a second process over the same prefix: no shared cache
    try {
      for (let round = 0; round < 3; round++) {
        const stream = `race-${round}`;
        await storage.append(stream, 'no-stream', [encoded(`${stream}-0`)]);
        const appends = Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? other : storage).append(stream, 'any', [encoded(`${stream}-${i + 1}`)]).catch((error: unknown) => error),
        );
        const deleted = (round % 2 ? other : storage).deleteStream(stream, undefined, { hard: true });
        const [outcomes, deleteOutcome] = await Promise.all([Promise.all(appends), deleted]);
        expect(deleteOutcome).toEqual({ status: 'ok', deleted: true });
        const head = await storage.getStream(stream);
        expect(head).toMatchObject({ tombstoned: true });
        for (const outcome of outcomes) {
          const status = (outcome as { status?: string }).status;
          // Lock mode: a writer that could not get the lease in time gets StreamLockedError (nothing written).
          if (status === undefined) expect((outcome as Error).name).toBe('StreamLockedError');
          else if (status === 'ok') expect((outcome as { revision: number }).revision).toBeLessThanOrEqual(head?.revision ?? 0);
          else expect(status).toBe('deleted');
        }
        for (const s of [storage, other]) {
          expect(await s.append(stream, 'any', [encoded('late')])).toEqual({ status: 'deleted' });
          expect(await s.append(stream, 'no-stream', [encoded('late')])).toEqual({ status: 'deleted' });
          expect(await s.readStream(stream, { from: 1, direction: 'forward', limit: 100 })).toEqual([]);
        }
      }
    } finally {
      await storage.close();
      await other.close();
    }
  });

  it('a tombstone placed on a stream that never existed refuses the first append, also one trying generation 1 directly', async () => {
    const storage = open();
    const fresh = open(storage.root);
    try {
      expect(await storage.deleteStream('never', 'no-stream', { hard: true })).toEqual({ status: 'ok', deleted: true });
      expect(await fresh.append('never', 'no-stream', [encoded('a')])).toEqual({ status: 'deleted' });
      expect(await fresh.getStream('never')).toMatchObject({ revision: 0, tombstoned: true });
      expect(await fresh.deleteStream('never', undefined, { hard: true })).toEqual({ status: 'ok', deleted: false });
      expect(await fresh.listStreams({ limit: 10 })).toEqual([]);
    } finally {
      await storage.close();
      await fresh.close();
    }
  });
});

describe('s3 tombstones: a deleter that died after its delete commit', () => {
  it('is completed by the next sync: the marker is written and the stream stays tombstoned', async () => {
    const storage = conditionalStorage();
    try {
      await storage.append('crash', 'no-stream', [encoded('c-1'), encoded('c-2')]);
      await storage.deleteStream('crash', 2, { hard: true });
      // Undo the marker, as if the deleter had died right after winning the slot with its hard delete commit.
      const client = gatewayClient();
      const listed = await client.send(new ListObjectsV2Command({ Bucket: gateway.bucket, Prefix: storage.root }));
      const marker = listed.Contents?.map((item) => item.Key ?? '').find((key) => key.endsWith('/tombstone'));
      expect(marker).toBeDefined();
      await client.send(new DeleteObjectCommand({ Bucket: gateway.bucket, Key: marker }));
      const fresh = conditionalStorage(storage.root);
      try {
        expect(await fresh.append('crash', 'any', [encoded('late')])).toEqual({ status: 'deleted' });
        expect(await fresh.getStream('crash')).toMatchObject({ revision: 2, tombstoned: true });
        const after = await client.send(new ListObjectsV2Command({ Bucket: gateway.bucket, Prefix: storage.root }));
        expect(after.Contents?.some((item) => item.Key === marker)).toBe(true);
      } finally {
        await fresh.close();
      }
    } finally {
      await storage.close();
    }
  });
});
