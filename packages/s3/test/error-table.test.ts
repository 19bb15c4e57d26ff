import { StorageUnavailableError } from '@streamstore/core';
import type { EncodedEvent } from '@streamstore/core/storage';
import { S3Storage } from '@streamstore/s3';
import { describe, expect, it } from 'vitest';
import type { CreateOutcome, ObjectClient } from '../src/object-client.js';

const content = { type: 'T', schemaVersion: 1, format: 'json', compression: null, data: '{}', metadata: null };
const event: EncodedEvent = { id: 'e-1', ...content, timestamp: 0 };

/** A bucket that is empty forever and answers every create-only PUT with `outcome`. */
function emptyBucket(outcome: CreateOutcome): ObjectClient {
  const objects: Partial<ObjectClient> = {
    bucket: 'b',
    getText: async () => null,
    put: async () => {},
    delete: async () => {},
    create: async () => outcome,
    listKeys: async () => [],
    listFolders: async () => ({ folders: [], truncated: false }),
  };
  return objects as ObjectClient;
}

function storageOver(objects: ObjectClient): S3Storage {
  return new S3Storage({ objects, root: 'r/', mode: { kind: 'conditional', probe: async () => {} }, concurrency: 2 });
}

// The SPI's error table (see StreamStorage in the core): lost races and unknown outcomes are StorageUnavailableError.
describe('S3 errors follow the SPI error table', () => {
  it('an append whose create-only PUT never gets a definite answer: StorageUnavailableError (outcome unknown)', async () => {
    const error = await storageOver(emptyBucket('unknown'))
      .append('s', 'no-stream', [event])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).message).toMatch(/outcome is unknown/);
  });

  it('an append that loses every race: StorageUnavailableError (retries exhausted)', async () => {
    const error = await storageOver(emptyBucket('exists'))
      .append('s', 'no-stream', [event])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).message).toMatch(/gave up appending to 's' after 50 lost races/);
  });

  it('a delete that loses every race: StorageUnavailableError (retries exhausted)', async () => {
    const objects = emptyBucket('exists');
    // The stream has one commit (slot 1); every tombstone at slot 2 is taken by someone else.
    const commit =
      '{"v":1,"kind":"commit","commitId":"c","generation":1,"first":1,"count":1,"createdAt":0,"recordedAt":0,"events":[{"id":"x","type":"T","schemaVersion":1,"format":"json","compression":null,"data":"{}","metadata":null,"timestamp":0}]}';
    objects.listKeys = async (prefix: string) => (prefix.endsWith('g00000001/') ? [`${prefix}0000000000000001`] : []);
    objects.getText = async (key: string) => (key.endsWith('0000000000000001') ? commit : null);
    const error = await storageOver(objects)
      .deleteStream('s', undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).message).toMatch(/gave up deleting 's' after 50 lost races/);
  });
});
