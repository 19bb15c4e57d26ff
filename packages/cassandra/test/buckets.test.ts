import {
  createStreamStore,
  DuplicateEventError,
  StreamConcurrencyError,
  StreamDeletedError,
  type StreamStore,
} from '@streamstore/core';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTION, dropKeyspaces, localStorage, uniqueKeyspace } from './helpers.js';
import { useSharedNode } from './node-lock.js';

useSharedNode();

const keyspace = uniqueKeyspace('buckets');
const stores: StreamStore[] = [];

async function openStore(bucketSize = 5): Promise<StreamStore> {
  const store = await createStreamStore({ storage: localStorage(keyspace, { bucketSize }), provisionSchema: true });
  stores.push(store);
  return store;
}

const event = (id: string, n = 0) => ({ id, type: 'Tick', data: { n } });
const range = (prefix: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => event(`${prefix}-${from + i}`, from + i));

async function revisions(store: StreamStore, stream: string, options: Parameters<StreamStore['read']>[1] = {}) {
  const seen: number[] = [];
  for await (const e of store.read(stream, options)) seen.push(e.revision);
  return seen;
}

beforeAll(async () => {
  await openStore(); // creates the keyspace once
});

afterAll(async () => {
  for (const store of stores) await store.close();
  await dropKeyspaces(keyspace);
});

describe('bucketed streams (bucketSize 5)', () => {
  it('appends across bucket boundaries, commits never split, reads page across buckets both ways', async () => {
    const store = await openStore();
    // Commits of 3: 1-3 (bucket 0), 4-6 (bucket 0, runs past 5), 7-9 (bucket 1), 10-12 (bucket 1, past 10), 13 (bucket 2)...
    let revision = 0;
    for (let i = 0; i < 7; i++) {
      const result = await store.append('s', revision, range('e', revision + 1, 3));
      revision = result.revision;
    }
    await store.append('s', revision, range('e', revision + 1, 5));
    revision += 5;
    expect(revision).toBe(26);
    const all = Array.from({ length: 26 }, (_, i) => i + 1);
    expect(await revisions(store, 's')).toEqual(all);
    expect(await revisions(store, 's', { pageSize: 4 })).toEqual(all);
    expect(await revisions(store, 's', { direction: 'backward', pageSize: 3 })).toEqual([...all].reverse());
    expect(await revisions(store, 's', { from: 11, maxCount: 7 })).toEqual([11, 12, 13, 14, 15, 16, 17]);
    expect(await revisions(store, 's', { from: 11, direction: 'backward', maxCount: 4 })).toEqual([11, 10, 9, 8]);
    expect((await store.getStream('s'))?.revision).toBe(26);
  });

  it('checks expected revisions on the current bucket and reports the real head', async () => {
    const store = await openStore();
    await store.append('c', 'no-stream', range('c', 1, 5));
    await store.append('c', 5, range('c', 6, 4)); // bucket 1 starts here
    const conflict = await store.append('c', 5, [event('late')]).catch((e) => e);
    expect(conflict).toBeInstanceOf(StreamConcurrencyError);
    expect(conflict.actual).toBe(9);
    const old = await store.append('c', 2, [event('older')]).catch((e) => e);
    expect(old).toBeInstanceOf(StreamConcurrencyError);
    expect(old.actual).toBe(9);
    expect((await store.append('c', 'any', [event('any-1')])).revision).toBe(10);
    expect((await store.append('c', 'stream-exists', [event('any-2')])).revision).toBe(11);
    const early = await store.append('c', 'no-stream', [event('x')]).catch((e) => e);
    expect(early.actual).toBe(11);
  });

  it('detects duplicate ids stored in earlier buckets and keeps retries idempotent', async () => {
    const store = await openStore();
    await store.append('d', 'no-stream', range('d', 1, 5));
    await store.append('d', 5, range('d', 6, 5));
    await store.append('d', 10, range('d', 11, 2));
    const dup = await store.append('d', 12, [event('d-2')]).catch((e) => e);
    expect(dup).toBeInstanceOf(DuplicateEventError);
    const dupAny = await store.append('d', 'any', [event('d-7')]).catch((e) => e);
    expect(dupAny).toBeInstanceOf(DuplicateEventError);
    // Re-sending the commit of revisions 6-10 at its expected revision returns its original result.
    expect(await store.append('d', 5, range('d', 6, 5))).toEqual({ revision: 10 });
    expect((await store.getStream('d'))?.revision).toBe(12);
  });

  it('deletes every bucket, and a re-created stream starts over at revision 1 without old events', async () => {
    const store = await openStore();
    await store.append('x', 'no-stream', range('x', 1, 5));
    await store.append('x', 5, range('x', 6, 5)); // bucket 0 full, bucket 1 full (head 10)
    await store.append('x', 10, range('x', 11, 2)); // bucket 2
    expect(await store.deleteStream('x', { expected: 3 }).catch((e) => e)).toBeInstanceOf(StreamConcurrencyError);
    expect(await store.deleteStream('x', { expected: 12 })).toBe(true);
    expect(await store.getStream('x')).toBeNull();
    expect(await revisions(store, 'x')).toEqual([]);
    expect(await store.deleteStream('x')).toBe(false);
    await store.append('x', 'no-stream', range('y', 1, 2));
    const read = [];
    for await (const e of store.read('x')) read.push(e.id);
    expect(read).toEqual(['y-1', 'y-2']);
    // Ids of the deleted stream are free again.
    await store.append('x', 2, [event('x-1')]);
    expect((await store.getStream('x'))?.revision).toBe(3);
  });

  it('deletes a stream whose current bucket is full by claiming the next bucket', async () => {
    const store = await openStore();
    await store.append('f', 'no-stream', range('f', 1, 5)); // head 5: bucket 0 is full, bucket 1 does not exist
    expect(await store.deleteStream('f', { expected: 5 })).toBe(true);
    expect(await store.getStream('f')).toBeNull();
    expect((await store.append('f', 'no-stream', [event('again')])).revision).toBe(1);
    expect(await revisions(store, 'f')).toEqual([1]);
  });

  it('hard-deletes a stream of several buckets: bucket 0 keeps the tombstone, every later append is refused', async () => {
    const storage = localStorage(keyspace, { bucketSize: 5 });
    const store = await createStreamStore({ storage, provisionSchema: true });
    stores.push(store);
    await store.append('h', 'no-stream', range('h', 1, 5));
    await store.append('h', 5, range('h', 6, 5)); // buckets 0 and 1 full
    await store.append('h', 10, range('h', 11, 2)); // bucket 2, head 12
    await store.append('full', 'no-stream', range('f', 1, 5)); // bucket 0 full: the delete claims bucket 1
    expect(await store.deleteStream('h', { hard: true, expected: 12 })).toBe(true);
    expect(await store.deleteStream('full', { hard: true })).toBe(true);
    // Expectations planned straight into buckets 0, 1 and 2 (no read first), and the ones that read the chain.
    for (const expected of ['any', 'no-stream', 'stream-exists', 0, 3, 5, 10, 12] as const) {
      await expect(store.append('h', expected, [event(`late-${expected}`)])).rejects.toBeInstanceOf(StreamDeletedError);
      await expect(store.append('full', expected, [event(`late-${expected}`)])).rejects.toBeInstanceOf(StreamDeletedError);
    }
    expect(await storage.getStream('h')).toMatchObject({ revision: 12, tombstoned: true });
    expect(await storage.getStream('full')).toMatchObject({ revision: 5, tombstoned: true });
    expect(await store.deleteStream('h', { hard: true })).toBe(false);
    const client = new cassandra.Client(CONNECTION);
    try {
      const table = `"${keyspace}"."${storage.table}"`;
      const rows = async (stream: string, bucket: number) =>
        (
          await client.execute(`SELECT kind, head FROM ${table} WHERE stream_id = ? AND bucket = ?`, [stream, bucket], {
            prepare: true,
          })
        ).rows;
      // Bucket 0: only its static columns (the tombstone head -2 - 12); bucket 1 dropped; bucket 2 keeps its mark.
      expect((await rows('h', 0)).map((row) => [row.kind, Number(row.head)])).toEqual([[null, -14]]);
      expect(await rows('h', 1)).toEqual([]);
      expect((await rows('h', 2)).map((row) => Number(row.head))).toEqual([-14]);
      // A commit planned before the delete into the claimed next bucket finds it taken.
      const late = await client.execute(
        `UPDATE ${table} SET head = 6 WHERE stream_id = 'full' AND bucket = 1 IF head = null`,
        [],
        { prepare: true },
      );
      expect(late.wasApplied()).toBe(false);
    } finally {
      await client.shutdown();
    }
  });

  it('refuses a commit larger than one bucket before any I/O', async () => {
    const store = await openStore(3);
    expect(store.capabilities.maxEventsPerCommit).toBe(3);
    await expect(store.append('big', 'no-stream', range('b', 1, 4))).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(await store.getStream('big')).toBeNull();
  });
});
