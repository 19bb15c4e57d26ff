import type { RecordedEvent, StreamStore } from '@streamstore/core';
import type { Requirement } from '../scenario.js';
import { applicationEvents, collect, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('retention');

const METADATA: Requirement[] = ['streamMetadata'];

const revisions = (events: readonly RecordedEvent[]) => events.map((event) => event.revision);
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The revisions a forward read, a backward read and getStream report. */
async function view(store: StreamStore, streamId: string, backward: boolean) {
  return {
    forward: revisions(await collect(store.read(streamId))),
    backward: backward ? revisions(await collect(store.read(streamId, { direction: 'backward' }))) : undefined,
    firstRevision: (await store.getStream(streamId))?.firstRevision,
  };
}

/**
 * Retention on reads (capability `streamMetadata`): what `maxCount`, `maxAgeSeconds` and `truncateBefore` hide, for
 * every read; revisions keep their numbers.
 */
export const retentionScenarios = [
  scenario(
    'max-count-boundaries',
    'maxCount keeps the newest events: nothing for an empty stream, all at exactly maxCount, one hidden at maxCount+1',
    async (ctx) => {
      const store = await ctx.createStore();
      const backward = ctx.capabilities.backwardRead;
      await store.setStreamMetadata('s', { maxCount: 3 });
      ctx.assert.deepEqual(await collect(store.read('s')), [], 'no events, nothing to read');
      ctx.assert.equal(await store.getStream('s'), null);
      await store.append('s', 'no-stream', testEvents(3, 'a'));
      const exact = await view(store, 's', backward);
      ctx.assert.deepEqual(exact.forward, [1, 2, 3], 'exactly maxCount: all');
      if (backward) ctx.assert.deepEqual(exact.backward, [3, 2, 1]);
      ctx.assert.equal(exact.firstRevision, 1);
      await store.append('s', 3, testEvents(1, 'b'));
      const over = await view(store, 's', backward);
      ctx.assert.deepEqual(over.forward, [2, 3, 4], 'maxCount+1: the oldest is hidden, revisions keep their numbers');
      if (backward) ctx.assert.deepEqual(over.backward, [4, 3, 2]);
      ctx.assert.equal(over.firstRevision, 2, 'getStream names the first kept revision');
      ctx.assert.equal((await store.getStream('s'))?.revision, 4, 'the head is unchanged');
      const fromBelow = revisions(await collect(store.read('s', { from: 1 })));
      ctx.assert.deepEqual(fromBelow, [2, 3, 4], 'a read from below the first kept revision starts at it');
      if (backward) {
        ctx.assert.deepEqual(revisions(await collect(store.read('s', { direction: 'backward', from: 1 }))), []);
        ctx.assert.deepEqual(revisions(await collect(store.read('s', { direction: 'backward', from: 3 }))), [3, 2]);
      }
      ctx.assert.deepEqual(revisions(await collect(store.read('s', { from: 3, maxCount: 1 }))), [3]);
      // Two commits of 10: some backends take at most 16 events per commit (Cassandra with small buckets).
      await store.append('s', 4, testEvents(10, 'c'));
      await store.append('s', 14, testEvents(10, 'd'));
      ctx.assert.deepEqual(revisions(await collect(store.read('s', { pageSize: 2 }))), [22, 23, 24], 'paged');
      ctx.assert.deepEqual(revisions(await collect(store.read('other'))), [], 'other streams are untouched');
    },
    METADATA,
  ),

  scenario(
    'truncate-before',
    'truncateBefore hides the revisions below it; past the head it hides every event and later appends below it',
    async (ctx) => {
      const store = await ctx.createStore();
      const backward = ctx.capabilities.backwardRead;
      await store.append('t', 'no-stream', testEvents(5, 'a'));
      await store.setStreamMetadata('t', { truncateBefore: 4 });
      const truncated = await view(store, 't', backward);
      ctx.assert.deepEqual(truncated.forward, [4, 5]);
      if (backward) ctx.assert.deepEqual(truncated.backward, [5, 4]);
      ctx.assert.equal(truncated.firstRevision, 4);
      await store.setStreamMetadata('t', { truncateBefore: 8 });
      ctx.assert.deepEqual((await view(store, 't', backward)).forward, [], 'past the head: nothing');
      ctx.assert.equal((await store.getStream('t'))?.firstRevision, 8, 'past the head');
      ctx.assert.equal((await store.getStream('t'))?.revision, 5, 'the stream still exists at its revision');
      await store.append('t', 5, testEvents(3, 'b'));
      ctx.assert.deepEqual((await view(store, 't', backward)).forward, [8]);
      await store.setStreamMetadata('t', { truncateBefore: 0, maxCount: 2 });
      ctx.assert.deepEqual((await view(store, 't', backward)).forward, [7, 8], 'both settings: the later first revision');
      await store.setStreamMetadata('t', { truncateBefore: 8, maxCount: 5 });
      ctx.assert.deepEqual((await view(store, 't', backward)).forward, [8]);
    },
    METADATA,
  ),

  scenario(
    'max-age',
    'maxAgeSeconds hides events recorded longer ago than that (by recordedAt, the server time of the commit)',
    async (ctx) => {
      const store = await ctx.createStore();
      const backward = ctx.capabilities.backwardRead;
      await store.append('m', 'no-stream', testEvents(3, 'old'));
      await store.setStreamMetadata('m', { maxAgeSeconds: 1 });
      ctx.assert.deepEqual((await view(store, 'm', backward)).forward, [1, 2, 3], 'young enough');
      await sleep(1_200);
      // The caller's timestamp plays no part: an event dated long ago is kept while it is young on the server.
      await store.append('m', 3, [{ id: 'dated', type: 'TestEvent', data: {}, timestamp: new Date(0) }, ...testEvents(1, 'new')]);
      const aged = await view(store, 'm', backward);
      ctx.assert.deepEqual(aged.forward, [4, 5], 'the old events are hidden');
      if (backward) ctx.assert.deepEqual(aged.backward, [5, 4], 'a backward read stops at the first too old event');
      ctx.assert.equal(aged.firstRevision, 4);
      await store.setStreamMetadata('m', { maxAgeSeconds: 3600 });
      ctx.assert.deepEqual((await view(store, 'm', backward)).forward, [1, 2, 3, 4, 5], 'a longer age shows them again');
    },
    METADATA,
  ),

  scenario(
    'concurrent-appends',
    'under concurrent appends a read never returns an event maxCount hides at the time it starts, nor leaves a gap',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.setStreamMetadata('c', { maxCount: 5 });
      let done = false;
      const writer = (async () => {
        for (let i = 0; i < 40; i++) await store.append('c', 'any', testEvents(2, `w${i}`));
        done = true;
      })();
      let reads = 0;
      while (!done || reads < 3) {
        const before = (await store.getStream('c'))?.revision ?? 0;
        const read = revisions(await collect(store.read('c', { pageSize: 2 })));
        reads++;
        if (before === 0) continue;
        ctx.assert.ok((read[0] ?? 0) > before - 5, `read ${read.join(',')} starts after ${before} - 5`);
        ctx.assert.deepEqual(read, range(read[0] ?? 1, read[read.length - 1] ?? 0), 'no gap');
        ctx.assert.ok((read[read.length - 1] ?? 0) >= before, 'reaches the head seen before');
      }
      await writer;
      ctx.assert.deepEqual(revisions(await collect(store.read('c'))), [76, 77, 78, 79, 80]);
    },
    METADATA,
  ),

  scenario(
    'log-and-category',
    'readAll, readCategory and their backward forms leave out the events their stream’s retention hides',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('order-1', 'no-stream', testEvents(4, 'o1'));
      await store.append('order-2', 'no-stream', testEvents(2, 'o2'));
      await store.append('cart-1', 'no-stream', testEvents(3, 'c1'));
      await store.append('order-1', 4, testEvents(1, 'o1b'));
      await store.setStreamMetadata('order-1', { maxCount: 2 });
      await store.setStreamMetadata('cart-1', { truncateBefore: 3 });
      // The truncation's own system event (capability streamTruncatedEvents) is checked by the truncate-events group.
      const key = (event: RecordedEvent) => `${event.streamId}@${event.revision}`;
      const keys = (events: RecordedEvent[]) => applicationEvents(events).map(key);
      const all = keys(await collect(store.readAll({ pageSize: 3 })));
      ctx.assert.deepEqual(all, ['order-1@4', 'order-2@1', 'order-2@2', 'cart-1@3', 'order-1@5']);
      const orders = keys(await collect(store.readCategory('order', { pageSize: 2 })));
      ctx.assert.deepEqual(orders, ['order-1@4', 'order-2@1', 'order-2@2', 'order-1@5']);
      ctx.assert.deepEqual(keys(await collect(store.readAll({ maxCount: 2 }))), ['order-1@4', 'order-2@1']);
      if (ctx.capabilities.backwardRead) {
        ctx.assert.deepEqual(keys(await collect(store.readAll({ direction: 'backward' }))), [...all].reverse());
        const back = keys(await collect(store.readCategory('order', { direction: 'backward' })));
        ctx.assert.deepEqual(back, [...orders].reverse());
      }
    },
    ['streamMetadata', 'globalOrder'],
  ),

  scenario(
    'subscriptions',
    'subscriptions to a stream, the log and a category do not deliver hidden events; a stream subscription starts at the first kept revision',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('order-1', 'no-stream', testEvents(6, 'o'));
      await store.append('order-2', 'no-stream', testEvents(1, 'p'));
      await store.setStreamMetadata('order-1', { maxCount: 2 });
      const targets = [{ stream: 'order-1' }, ...(ctx.capabilities.globalOrder ? ['all' as const, { category: 'order' }] : [])];
      for (const to of targets) {
        const seen: string[] = [];
        const subscription = store.subscribe({
          to,
          pollIntervalMs: 10,
          batchSize: 3,
          handler: (event) => void seen.push(`${event.streamId}@${event.revision}`),
        });
        await subscription.caughtUp;
        await subscription.stop();
        const expected =
          typeof to === 'object' && 'stream' in to ? ['order-1@5', 'order-1@6'] : ['order-1@5', 'order-1@6', 'order-2@1'];
        ctx.assert.deepEqual(seen, expected, `subscription to ${JSON.stringify(to)}`);
      }
    },
    METADATA,
  ),

  scenario(
    'metadata-changed',
    'retention is read at every read: raising maxCount or removing it shows again the events not scavenged',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(6, 'a'));
      await store.setStreamMetadata('s', { maxCount: 2 });
      ctx.assert.deepEqual(revisions(await collect(store.read('s'))), [5, 6]);
      await store.setStreamMetadata('s', { maxCount: 4 });
      ctx.assert.deepEqual(revisions(await collect(store.read('s'))), [3, 4, 5, 6], 'raised: they reappear');
      await store.setStreamMetadata('s', { custom: { none: true } });
      ctx.assert.deepEqual(revisions(await collect(store.read('s'))), range(1, 6), 'no retention: all');
      ctx.assert.equal((await store.getStream('s'))?.firstRevision, 1);
    },
    METADATA,
  ),
];
