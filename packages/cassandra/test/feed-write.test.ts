/**
 * The change feed's write path (issue 22 item 3, stage 1): every commit writes its feed entry (the intent) first, then
 * its LWT, which also requires and advances the bucket's `feed_ts`; without the option nothing of it exists.
 */
import { createStreamStore, type StreamStore } from '@streamstore/core';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePosition, nowTicks, shardOf } from '../src/feed-position.js';
import { cassandraStorage } from '../src/index.js';
import { resolveConfig } from '../src/options.js';
import { migrations } from '../src/schema.js';
import { CONNECTION, dropKeyspaces, uniqueKeyspace, uniqueTable } from './helpers.js';
import { useSharedNode } from './node-lock.js';

useSharedNode();

const keyspace = uniqueKeyspace('feedw');
const client = new cassandra.Client({ ...CONNECTION });
const stores: StreamStore[] = [];
const events = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i + 1}`, type: 'Tick', data: { i } }));

async function open(table: string, options: { feed?: boolean; bucketSize?: number } = {}): Promise<StreamStore> {
  const storage = cassandraStorage({
    ...CONNECTION,
    keyspace,
    table,
    bucketSize: options.bucketSize ?? 100,
    ...(options.feed === false ? {} : { changeFeed: { shards: 4 } }),
  });
  const store = await createStreamStore({ storage, provisionSchema: true });
  stores.push(store);
  return store;
}

async function entries(table: string, stream: string) {
  const rows = (await client.execute(`SELECT * FROM "${keyspace}"."${table}_feed"`)).rows;
  return rows
    .filter((row) => row.stream_id === stream)
    .map((row) => ({
      shard: row.shard as number,
      ts: Number(row.ts),
      writer: row.writer as number,
      bucket: Number(row.bucket),
      firstRevision: Number(row.first_revision),
      count: row.count as number,
      category: row.category as string,
    }))
    .sort((a, b) => (a.ts < b.ts ? -1 : 1));
}

async function feedTs(table: string, stream: string, bucket: number): Promise<number | null> {
  const row = (
    await client.execute(`SELECT feed_ts FROM "${keyspace}"."${table}" WHERE stream_id = ? AND bucket = ? LIMIT 1`, [
      stream,
      cassandra.types.Long.fromNumber(bucket),
    ])
  ).first();
  return row?.feed_ts == null ? null : Number(row.feed_ts);
}

beforeAll(async () => {
  await client.connect();
});

afterAll(async () => {
  for (const store of stores) await store.close();
  await client.shutdown();
  await dropKeyspaces(keyspace);
});

describe('cassandra change feed: the write path', () => {
  it('writes an entry per commit before its LWT; the events carry the position the commit returns', async () => {
    const table = uniqueTable();
    const store = await open(table);
    const first = await store.append('order-1', 'no-stream', events('a', 3));
    const second = await store.append('order-1', 3, events('b', 2));
    const found = await entries(table, 'order-1');
    expect(found.map(({ bucket, firstRevision, count, category }) => ({ bucket, firstRevision, count, category }))).toEqual([
      { bucket: 0, firstRevision: 1, count: 3, category: 'order' },
      { bucket: 0, firstRevision: 4, count: 2, category: 'order' },
    ]);
    expect(new Set(found.map((entry) => entry.shard))).toEqual(new Set([shardOf('order-1', 4)]));
    // The position names the entry: its timestamp and writer number; then the index of the event in the commit.
    const decoded = decodePosition(second.position as string);
    expect(decoded.key).toEqual({ ts: found[1]?.ts, writer: found[1]?.writer });
    expect(decoded.index).toBe(1);
    const read = [];
    for await (const event of store.read('order-1')) read.push(event.position);
    expect(read[2]).toBe(first.position);
    expect(read[4]).toBe(second.position);
    // The bucket's feed_ts is its last commit's timestamp.
    expect(await feedTs(table, 'order-1', 0)).toBe(found[1]?.ts);
  });

  it("refuses an intent not above the bucket's feed_ts and retries above it; the refused entry is retired", async () => {
    const table = uniqueTable();
    const store = await open(table);
    await store.append('s-1', 'no-stream', events('a', 1));
    // As a reader's fence (or a writer whose clock is 10 s ahead) would leave it.
    const ahead = nowTicks() + 100_000; // 10 s
    await client.execute(`UPDATE "${keyspace}"."${table}" SET feed_ts = ? WHERE stream_id = ? AND bucket = ?`, [
      cassandra.types.Long.fromNumber(ahead),
      's-1',
      cassandra.types.Long.fromNumber(0),
    ]);
    const { revision } = await store.append('s-1', 1, events('b', 1));
    expect(revision).toBe(2);
    const found = await entries(table, 's-1');
    expect(found).toHaveLength(2);
    expect(found[1]?.ts).toBeGreaterThan(ahead);
    expect(await feedTs(table, 's-1', 0)).toBe(found[1]?.ts);
  });

  it('keeps per-stream feed order across buckets: entry timestamps increase with revisions', async () => {
    const table = uniqueTable();
    const store = await open(table, { bucketSize: 4 });
    let revision = 0;
    for (let i = 0; i < 6; i++) revision = (await store.append('t-1', revision, events(`c${i}`, 3))).revision;
    const found = await entries(table, 't-1');
    expect(found.map((entry) => entry.firstRevision)).toEqual([1, 4, 7, 10, 13, 16]);
    expect(found.map((entry) => entry.bucket)).toEqual([0, 0, 1, 2, 3, 3]);
  });

  it('continues a bucket written before the feed was on (feed_ts unset), and one a reader fenced before it existed', async () => {
    const table = uniqueTable();
    const without = await open(table, { feed: false });
    await without.append('old-1', 'no-stream', events('a', 2));
    const withFeed = await open(table); // provisions the feed's migration
    expect(await entries(table, 'old-1')).toEqual([]);
    // From then on a storage without the feed refuses to provision: its commits would be missing from the feed.
    await expect(open(table, { feed: false })).rejects.toThrow(/has migration 4/);
    expect((await withFeed.append('old-1', 2, events('b', 1))).revision).toBe(3);
    expect((await entries(table, 'old-1')).map((entry) => entry.firstRevision)).toEqual([3]);
    // A fence on a bucket that does not exist yet leaves only its feed_ts: the stream is still created above it.
    await client.execute(`UPDATE "${keyspace}"."${table}" SET feed_ts = ? WHERE stream_id = ? AND bucket = ?`, [
      cassandra.types.Long.fromNumber(nowTicks()),
      'fenced-1',
      cassandra.types.Long.fromNumber(0),
    ]);
    expect((await withFeed.append('fenced-1', 'no-stream', events('c', 1))).revision).toBe(1);
    expect(await entries(table, 'fenced-1')).toHaveLength(1);
  });

  it('without the option: no feed migration, no feed statements, no positions', async () => {
    const plain = resolveConfig({ keyspace: 'k' });
    expect(migrations(plain).map((m) => m.version)).toEqual([1, 3, 5]);
    expect(migrations(resolveConfig({ keyspace: 'k', changeFeed: true })).map((m) => m.version)).toEqual([1, 3, 4, 5]);
    const store = await open(uniqueTable(), { feed: false });
    const { position } = await store.append('p-1', 'no-stream', events('a', 1));
    expect(position).toBeUndefined();
    expect(() => resolveConfig({ keyspace: 'k', changeFeed: { settleMs: 5 } })).toThrow(/settleMs/);
  });
});
