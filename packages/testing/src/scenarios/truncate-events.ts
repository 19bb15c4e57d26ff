import {
  type RecordedEvent,
  STREAM_DELETED_EVENT_TYPE,
  STREAM_TRUNCATED_EVENT_TYPE,
  StreamMetadataConcurrencyError,
  type StreamStore,
  type StreamTruncatedData,
  ValidationError,
} from '@streamstore/core';
import type { Requirement } from '../scenario.js';
import { collect, testEvents } from '../support/events.js';
import { projectLiveAndRebuilt, sortedEntries } from '../support/projection-replay.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('truncate-events');

const REQUIRES: Requirement[] = ['globalOrder', 'streamMetadata', 'streamTruncatedEvents'];

const isSystem = (event: RecordedEvent) => event.type === STREAM_TRUNCATED_EVENT_TYPE || event.type === STREAM_DELETED_EVENT_TYPE;

/** `stream:revision:id` of an application event, `stream:revision:$type` of a system event. */
function describe(event: RecordedEvent): string {
  return `${event.streamId}:${event.revision}:${isSystem(event) ? event.type : event.id}`;
}

const truncations = (events: readonly RecordedEvent[]) =>
  events.filter((event) => event.type === STREAM_TRUNCATED_EVENT_TYPE).map((event) => event.data as StreamTruncatedData);

const revisions = (events: readonly RecordedEvent[]) => events.map((event) => event.revision);

/**
 * The revisions of each stream a projection keeps: a delete drops the stream (it may be re-created), a truncation
 * drops its events below `truncateBefore`. Streams with nothing kept are left out.
 */
function project(state: Map<string, number[]>, event: RecordedEvent): void {
  if (event.type === STREAM_DELETED_EVENT_TYPE) {
    state.delete((event.data as { streamId: string }).streamId);
  } else if (event.type === STREAM_TRUNCATED_EVENT_TYPE) {
    const { streamId, truncateBefore } = event.data as StreamTruncatedData;
    const kept = (state.get(streamId) ?? []).filter((revision) => revision >= (truncateBefore ?? 0));
    if (kept.length > 0) state.set(streamId, kept);
    else state.delete(streamId);
  } else {
    state.set(event.streamId, [...(state.get(event.streamId) ?? []), event.revision]);
  }
}

const sorted = sortedEntries<number[]>;

/** A change of `truncateBefore` reaches the log's consumers (capability `streamTruncatedEvents`), in order. */
export const truncateEventScenarios = [
  scenario(
    'in-log-order',
    'a metadata write that sets, raises, lowers or removes truncateBefore appends $streamTruncated to readAll and readCategory, never to stream reads',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('order-1', 'no-stream', testEvents(3, 'a'));
      await store.append('stock-1', 'no-stream', testEvents(1, 's'));
      ctx.assert.equal(await store.setStreamMetadata('order-1', { truncateBefore: 2 }, { expected: 'none' }), 1);
      await store.append('order-1', 3, testEvents(1, 'b'));
      await store.setStreamMetadata('order-1', { truncateBefore: 4, custom: { note: 'raised' } });
      ctx.assert.deepEqual(revisions(await collect(store.read('order-1'))), [4], 'plain stream reads never return it');
      const info = await store.getStream('order-1');
      ctx.assert.deepEqual([info?.revision, info?.firstRevision], [4, 4], 'it occupies no revision');
      await store.setStreamMetadata('order-1', { truncateBefore: 3 });
      await store.setStreamMetadata('order-1', {});
      await store.setStreamMetadata('order-9', { truncateBefore: 5 });
      const all = await collect(store.readAll());
      ctx.assert.deepEqual(all.map(describe), [
        'order-1:1:a-1',
        'order-1:2:a-2',
        'order-1:3:a-3',
        'stock-1:1:s-1',
        'order-1:0:$streamTruncated',
        'order-1:4:b-1',
        'order-1:0:$streamTruncated',
        'order-1:0:$streamTruncated',
        'order-1:0:$streamTruncated',
        'order-9:0:$streamTruncated',
      ]);
      ctx.assert.deepEqual(truncations(all), [
        { streamId: 'order-1', truncateBefore: 2, previousTruncateBefore: null },
        { streamId: 'order-1', truncateBefore: 4, previousTruncateBefore: 2 },
        { streamId: 'order-1', truncateBefore: 3, previousTruncateBefore: 4 },
        { streamId: 'order-1', truncateBefore: null, previousTruncateBefore: 3 },
        { streamId: 'order-9', truncateBefore: 5, previousTruncateBefore: null },
      ]);
      const system = all.filter(isSystem);
      ctx.assert.equal(new Set(system.map((event) => event.id)).size, system.length, 'distinct event ids');
      ctx.assert.ok(
        system.every((event) => typeof event.position === 'string'),
        'each has a position',
      );
      ctx.assert.deepEqual(
        (await collect(store.readCategory('order'))).map(describe),
        all.map(describe).filter((item) => item.startsWith('order-')),
      );
      ctx.assert.deepEqual(revisions(await collect(store.read('order-1'))), [1, 2, 3, 4], 'removed: every event shows again');
      ctx.assert.equal(await store.getStream('order-9'), null, 'a stream without events stays absent');
      if (ctx.capabilities.backwardRead) {
        ctx.assert.deepEqual(
          (await collect(store.readAll({ direction: 'backward' }))).map(describe),
          all.map(describe).reverse(),
        );
        ctx.assert.deepEqual(
          (await collect(store.readCategory('order', { direction: 'backward' }))).map(describe),
          all
            .map(describe)
            .filter((item) => item.startsWith('order-'))
            .reverse(),
        );
      }
      // Resuming after a truncation's position continues with what came after it.
      const raised = all[6] as RecordedEvent;
      ctx.assert.deepEqual((await collect(store.readAll({ from: raised.position as string }))).map(describe), [
        'order-1:0:$streamTruncated',
        'order-1:0:$streamTruncated',
        'order-9:0:$streamTruncated',
      ]);
    },
    REQUIRES,
  ),

  scenario(
    'unchanged',
    'writes that leave truncateBefore as it was (custom, maxCount, maxAgeSeconds, the same value) and refused writes append nothing',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('cart-1', 'no-stream', testEvents(5, 'c'));
      await store.setStreamMetadata('cart-1', { custom: { owner: 'a' } });
      await store.setStreamMetadata('cart-1', { maxCount: 3, custom: { owner: 'b' } });
      await store.setStreamMetadata('cart-1', { maxAgeSeconds: 3600 });
      ctx.assert.deepEqual(truncations(await collect(store.readAll())), [], 'no truncateBefore: nothing');
      await store.setStreamMetadata('cart-1', { truncateBefore: 2 });
      await store.setStreamMetadata('cart-1', { truncateBefore: 2, custom: { owner: 'c' } }, { expected: 4 });
      await store.setStreamMetadata('cart-1', { truncateBefore: 2, maxCount: 4 });
      await ctx.assert.rejects(
        store.setStreamMetadata('cart-1', { truncateBefore: 3 }, { expected: 1 }),
        StreamMetadataConcurrencyError,
        { actual: 6 },
      );
      const metadata = await store.getStreamMetadata('cart-1');
      ctx.assert.deepEqual(metadata, { revision: 6, metadata: { truncateBefore: 2, maxCount: 4 } });
      ctx.assert.deepEqual(truncations(await collect(store.readAll())), [
        { streamId: 'cart-1', truncateBefore: 2, previousTruncateBefore: null },
      ]);
      await store.setStreamMetadata('cart-1', { truncateBefore: 0 }, { expected: 6 });
      ctx.assert.deepEqual(truncations(await collect(store.readCategory('cart'))), [
        { streamId: 'cart-1', truncateBefore: 2, previousTruncateBefore: null },
        { streamId: 'cart-1', truncateBefore: 0, previousTruncateBefore: 2 },
      ]);
    },
    REQUIRES,
  ),

  scenario(
    'deletes-keep-them',
    'a delete drops the stream`s events but keeps its $streamTruncated events, and a re-created stream adds its own',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('item-1', 'no-stream', testEvents(3, 'a'));
      await store.setStreamMetadata('item-1', { truncateBefore: 3 });
      ctx.assert.equal(await store.deleteStream('item-1'), true);
      await store.append('item-1', 'no-stream', testEvents(4, 'b'));
      ctx.assert.deepEqual(revisions(await collect(store.read('item-1'))), [3, 4], 'a soft delete keeps the metadata');
      await store.setStreamMetadata('item-1', { truncateBefore: 4 });
      ctx.assert.deepEqual((await collect(store.readCategory('item'))).map(describe), [
        'item-1:0:$streamTruncated',
        'item-1:0:$streamDeleted',
        'item-1:4:b-4',
        'item-1:0:$streamTruncated',
      ]);
      ctx.assert.deepEqual(revisions(await collect(store.read('item-1'))), [4]);
    },
    REQUIRES.concat('streamDeletedEvents'),
  ),

  scenario(
    'reserved-type',
    'applications cannot append an event of type $streamTruncated',
    async (ctx) => {
      const store = await ctx.createStore();
      await ctx.assert.rejects(store.append('s', 'any', [{ type: STREAM_TRUNCATED_EVENT_TYPE, data: {} }]), ValidationError);
      ctx.assert.equal(await store.getStream('s'), null, 'nothing was written');
    },
    [],
  ),

  scenario(
    'projection',
    'a projection fed by subscriptions (all, and a category) that handles $streamDeleted and $streamTruncated ends equal to one rebuilt with readAll',
    async (ctx) => {
      const store = await ctx.createStore();
      const { live, category, rebuilt } = await projectLiveAndRebuilt(store, 'proj', project, () => script(store));
      ctx.assert.deepEqual(sorted(live), sorted(rebuilt), 'live projection equals the rebuilt one');
      ctx.assert.deepEqual(
        sorted(category),
        sorted(rebuilt).filter(([id]) => id.startsWith('proj-')),
        'the category projection equals the rebuilt one, restricted to the category',
      );
      ctx.assert.deepEqual(sorted(rebuilt), [
        ['other-1', [2]],
        ['proj-1', [4, 5]],
        ['proj-2', [2]],
        ['proj-3', [1]],
      ]);
      for (const [streamId, kept] of rebuilt) {
        ctx.assert.deepEqual(revisions(await collect(store.read(streamId))), kept, `${streamId} reads what it keeps`);
      }
    },
    REQUIRES.concat('streamDeletedEvents'),
  ),
];

/**
 * Appends, deletes, re-creations and truncations the projection scenario feeds its subscriptions with. Truncations
 * only raise `truncateBefore` here: a lowered one shows events again that a projection dropped (docs/streams.md).
 */
async function script(store: StreamStore): Promise<void> {
  await store.append('proj-1', 'no-stream', testEvents(4, 'p1a'));
  await store.append('proj-2', 'no-stream', testEvents(3, 'p2a'));
  await store.append('other-1', 'no-stream', testEvents(2, 'o1'));
  await store.setStreamMetadata('proj-1', { truncateBefore: 2 });
  await store.append('proj-1', 4, testEvents(1, 'p1a', 5));
  await store.setStreamMetadata('other-1', { truncateBefore: 2, custom: { owner: 'x' } });
  await store.deleteStream('proj-2');
  await store.append('proj-2', 'no-stream', testEvents(2, 'p2b'));
  await store.setStreamMetadata('proj-2', { truncateBefore: 2 });
  await store.setStreamMetadata('proj-1', { truncateBefore: 4, custom: { step: 1 } });
  await store.setStreamMetadata('proj-1', { truncateBefore: 4, custom: { step: 2 } });
  await store.deleteStream('proj-1');
  await store.append('proj-1', 'no-stream', testEvents(5, 'p1b'));
  await store.append('proj-3', 'no-stream', testEvents(1, 'p3'));
  await store.setStreamMetadata('proj-3', { maxCount: 5 });
  await store.setStreamMetadata('proj-3', { maxCount: 5, truncateBefore: 0 });
}
