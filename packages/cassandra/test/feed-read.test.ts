/**
 * The change feed's reader (issue 22 item 3, stage 2): readAll over concurrent writers, refused commits, writers that
 * died between their feed entry and their LWT (simulated, and real ones killed with SIGKILL), deletes.
 */
import { fileURLToPath } from 'node:url';
import { createStreamStore, type RecordedEvent, type StreamStore } from '@streamstore/core';
import { runCrashTest } from '@streamstore/testing';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitBatch } from '../src/commit-batch.js';
import { decodePosition, encodePosition, FEED_WRITERS, nowTicks, shardOf } from '../src/feed-position.js';
import type { FeedIntent } from '../src/feed-write.js';
import { cassandraStorage } from '../src/index.js';
import { resolveConfig } from '../src/options.js';
import { Statements } from '../src/statements.js';
import { CONNECTION, dropKeyspaces, uniqueKeyspace, uniqueTable } from './helpers.js';
import { useSharedNode } from './node-lock.js';

useSharedNode();

const keyspace = uniqueKeyspace('feedr');
const client = new cassandra.Client({ ...CONNECTION });
const stores: StreamStore[] = [];
const FEED = { shards: 4, settleMs: 100 };
const events = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i + 1}`, type: 'Tick', data: { i } }));
const L = (n: number) => cassandra.types.Long.fromNumber(n);

async function open(table: string, bucketSize = 100): Promise<StreamStore> {
  const storage = cassandraStorage({ ...CONNECTION, keyspace, table, bucketSize, changeFeed: FEED });
  const store = await createStreamStore({ storage, provisionSchema: true });
  stores.push(store);
  return store;
}

async function readAll(store: StreamStore, pageSize = 7): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const event of store.readAll({ pageSize })) all.push(event);
  return all;
}

/** Writes a feed entry as a writer would just before its LWT, and returns the intent that LWT would carry. */
async function writeIntent(table: string, stream: string, bucket: number, firstRevision: number, count: number) {
  const ts = nowTicks();
  const writer = FEED_WRITERS - 1;
  const shard = shardOf(stream, FEED.shards);
  const key = { ts, writer };
  const slot = Math.floor(ts / 600_000); // 60-second slots of 100 µs ticks
  await client.execute(
    `INSERT INTO "${keyspace}"."${table}_feed" (shard, slot, ts, writer, stream_id, bucket, first_revision, count, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [shard, L(slot), L(ts), writer, stream, L(bucket), L(firstRevision), count, stream.split('-')[0]],
    { prepare: true },
  );
  const intent: FeedIntent = { ts, key, shard, slot, condition: 'above', position: (index) => encodePosition(key, index) };
  return intent;
}

function byStream(all: RecordedEvent[]): Map<string, Array<[number, string]>> {
  const map = new Map<string, Array<[number, string]>>();
  for (const event of all) map.set(event.streamId, [...(map.get(event.streamId) ?? []), [event.revision, event.id]]);
  return map;
}

beforeAll(async () => {
  await client.connect();
});

afterAll(async () => {
  for (const store of stores) await store.close();
  await client.shutdown();
  await dropKeyspaces(keyspace);
});

describe('cassandra change feed: readAll', () => {
  it('returns every acknowledged event of concurrent writers exactly once, per stream in revision order', async () => {
    const table = uniqueTable();
    const writers = [await open(table, 8), await open(table, 8), await open(table, 8), await open(table, 8)];
    const acked: Array<{ stream: string; ids: string[]; position: string }> = [];
    let conflicts = 0;
    await Promise.all(
      writers.map(async (store, w) => {
        for (let i = 0; i < 40; i++) {
          const stream = `order-${(i * 7 + w) % 6}`;
          const batch = events(`w${w}-${i}`, 1 + (i % 3));
          // Streams are shared between writers: some commits lose their race (a refused LWT, never delivered).
          const head = (await store.getStream(stream))?.revision ?? 0;
          try {
            const { position } = await store.append(stream, head, batch);
            acked.push({ stream, ids: batch.map((e) => e.id), position: position as string });
          } catch {
            conflicts++;
          }
        }
      }),
    );
    const all = await readAll(writers[0] as StreamStore);
    const ids = all.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(acked.flatMap((commit) => commit.ids).sort());
    for (let i = 1; i < all.length; i++)
      expect(BigInt(all[i]?.position as string)).toBeGreaterThan(BigInt(all[i - 1]?.position as string));
    for (const [stream, seen] of byStream(all)) {
      const read: Array<[number, string]> = [];
      for await (const event of (writers[1] as StreamStore).read(stream)) read.push([event.revision, event.id]);
      expect(seen).toEqual(read);
    }
    // The positions commits returned are those of their last events in the log.
    const positions = new Set(all.map((event) => event.position));
    expect(acked.every((commit) => positions.has(commit.position))).toBe(true);
    console.log(`concurrent writers: ${acked.length} commits acknowledged, ${conflicts} refused, ${all.length} events read`);
  }, 120_000);

  it('skips an entry whose revisions hold another commit (a refused LWT)', async () => {
    const table = uniqueTable();
    const store = await open(table);
    await store.append('s-1', 'no-stream', events('a', 2));
    await writeIntent(table, 's-1', 0, 1, 2); // lost the race for revisions 1..2
    await store.append('s-1', 2, events('b', 1));
    expect((await readAll(store)).map((event) => event.id)).toEqual(['a-1', 'a-2', 'b-1']);
  });

  it('fences an entry with no commit (a writer that died before its LWT): skipped, and a late LWT is refused', async () => {
    const table = uniqueTable();
    const store = await open(table);
    await store.append('k-1', 'no-stream', events('a', 1));
    const intent = await writeIntent(table, 'k-1', 0, 2, 1);
    await store.append('other-1', 'no-stream', events('o', 1));
    expect((await readAll(store)).map((event) => event.id)).toEqual(['a-1', 'o-1']);
    // The writer wakes up and sends its LWT: the reader's fence (feed_ts raised to the entry's timestamp) refuses it.
    const config = resolveConfig({ keyspace, table, changeFeed: FEED });
    const batch = commitBatch(
      new Statements(config),
      'k-1',
      { bucket: 0, head: 1 },
      [
        {
          id: 'late-1',
          type: 'Tick',
          schemaVersion: 1,
          format: 'json',
          compression: null,
          data: '{}',
          metadata: null,
          timestamp: Date.now(),
        },
      ],
      intent,
    );
    const result = await client.batch(batch, { prepare: true, serialConsistency: cassandra.types.consistencies.serial });
    expect(result.wasApplied()).toBe(false);
    expect((await readAll(store)).map((event) => event.id)).toEqual(['a-1', 'o-1']);
    expect((await store.append('k-1', 1, events('b', 1))).revision).toBe(2);
    expect((await readAll(store)).map((event) => event.id)).toEqual(['a-1', 'o-1', 'b-1']);
  });

  it('leaves deleted streams out, also after they are created again (new generation, revisions from 1)', async () => {
    const table = uniqueTable();
    const store = await open(table);
    await store.append('d-1', 'no-stream', events('old', 2));
    await store.append('keep-1', 'no-stream', events('k', 1));
    await store.deleteStream('d-1');
    await store.append('d-1', 'no-stream', events('new', 1));
    expect((await readAll(store)).map((event) => event.id)).toEqual(['k-1', 'new-1']);
    expect((await readAll(store, 1)).map((event) => event.id)).toEqual(['k-1', 'new-1']);
  });

  it('reads backward and finds the head', async () => {
    const table = uniqueTable();
    const store = await open(table);
    expect(await store.headPosition()).toBeUndefined();
    await store.append('b-1', 'no-stream', events('x', 3));
    const { position } = await store.append('b-2', 'no-stream', events('y', 2));
    expect(await store.headPosition()).toBe(position);
    const backward: string[] = [];
    for await (const event of store.readAll({ direction: 'backward', pageSize: 2 })) backward.push(event.id);
    expect(backward).toEqual(['y-2', 'y-1', 'x-3', 'x-2', 'x-1']);
  });
});

describe('cassandra change feed: writers killed with SIGKILL', () => {
  it('delivers exactly the committed events of every stream, none of a commit cut off between entry and LWT', async () => {
    const table = uniqueTable();
    const openFeed = () => open(table, 40);
    await openFeed(); // provisions
    const childModule = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));
    const report = await runCrashTest({
      childModule,
      childArgs: [keyspace, table, '40', 'feed'],
      openStore: openFeed,
      streams: 3,
      kills: 4,
      killDelayMs: [300, 1500],
    });
    expect(report.verification.problems).toEqual([]);
    const store = await openFeed();
    const all = await readAll(store, 50);
    for (const streamId of report.streamIds) {
      const read: Array<[number, string]> = [];
      for await (const event of store.read(streamId)) read.push([event.revision, event.id]);
      expect(byStream(all).get(streamId) ?? []).toEqual(read);
    }
    // Entries without delivered events: commits refused, or cut off by a kill between their entry and their LWT.
    const rows = (await client.execute(`SELECT shard, ts, writer FROM "${keyspace}"."${table}_feed"`)).rows;
    const name = (key: { ts: number; writer: number }) => `${key.ts}/${key.writer}`;
    const commits = new Set(all.map((event) => name(decodePosition(event.position as string).key)));
    const undelivered = rows.filter((row) => row.shard >= 0 && !commits.has(name({ ts: Number(row.ts), writer: row.writer })));
    console.log(`crash: ${all.length} events of ${commits.size} commits delivered; ${undelivered.length} entries skipped`);
  }, 180_000);
});
