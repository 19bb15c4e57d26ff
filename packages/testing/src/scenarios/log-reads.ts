import { type RecordedEvent, type StreamStore, streamId, ValidationError } from '@streamstore/core';
import { present } from '../support/assertions.js';
import { applicationEvents, collect, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const backward = scenarioGroup('read-all-backward');
const category = scenarioGroup('category-reads');

const label = (event: RecordedEvent) => `${event.streamId}:${event.revision}`;
const labels = (events: readonly RecordedEvent[]) => events.map(label);

/** Seven events over three streams, interleaved: the log the backward scenarios read. */
async function interleavedLog(store: StreamStore): Promise<RecordedEvent[]> {
  await store.append('a', 'no-stream', testEvents(2, 'a'));
  await store.append('b', 'no-stream', testEvents(1, 'b'));
  await store.append('a', 2, testEvents(1, 'a', 3));
  await store.append('c', 'no-stream', testEvents(2, 'c'));
  await store.append('b', 1, testEvents(1, 'b', 2));
  const all = await collect(store.readAll());
  return all;
}

/**
 * Streams of several categories: `order` (composite ids, and the plain id `order`), look-alikes that are not
 * `order` (`orders-1`, `order\-x-1` whose first part is `order-x`), and categories made of LIKE metacharacters.
 */
const CATEGORY_COMMITS: Array<[string, number]> = [
  [streamId('order', 1), 2],
  ['cart-1', 1],
  ['orders-1', 1],
  [streamId('order', 2), 1],
  [streamId('order-x', 1), 1],
  ['order', 1],
  ['%-1', 1],
  ['_-1', 1],
  [streamId('a\\b', 1), 1],
  ['ab-1', 1],
  [streamId('order', 1), 1],
  ['cart-1', 1],
];

async function categoryLog(store: StreamStore): Promise<RecordedEvent[]> {
  const heads = new Map<string, number>();
  for (const [stream, count] of CATEGORY_COMMITS) {
    const head = heads.get(stream) ?? 0;
    await store.append(stream, head, testEvents(count, `${stream}~`, head + 1));
    heads.set(stream, head + count);
  }
  return collect(store.readAll());
}

const ORDER_STREAMS = new Set([streamId('order', 1), streamId('order', 2), 'order']);

/** Reading the global log backward (capabilities `globalOrder` and `backwardRead`). */
export const readAllBackwardScenarios = [
  backward(
    'from-end',
    "readAll backward from 'end' (the default) gives the log newest first, at every page size and maxCount",
    async (ctx) => {
      const store = await ctx.createStore();
      ctx.assert.deepEqual(await collect(store.readAll({ direction: 'backward' })), [], 'an empty log reads nothing');
      ctx.assert.deepEqual(await collect(store.readAll({ direction: 'backward', from: 'end' })), []);
      const all = await interleavedLog(store);
      const reversed = labels(all).reverse();
      ctx.assert.equal(reversed.length, 7);
      ctx.assert.deepEqual(labels(await collect(store.readAll({ direction: 'backward' }))), reversed);
      for (const pageSize of [1, 2, 3, 6, 7, 8]) {
        ctx.assert.deepEqual(
          labels(await collect(store.readAll({ direction: 'backward', from: 'end', pageSize }))),
          reversed,
          `pageSize ${pageSize}`,
        );
      }
      for (const maxCount of [0, 1, 3, 7, 8]) {
        ctx.assert.deepEqual(
          labels(await collect(store.readAll({ direction: 'backward', maxCount, pageSize: 3 }))),
          reversed.slice(0, maxCount),
          `maxCount ${maxCount}`,
        );
      }
      const head = present(await store.headPosition(), 'the head');
      ctx.assert.deepEqual(
        labels(await collect(store.readAll({ direction: 'backward', from: head }))),
        reversed,
        'backward from headPosition() starts at the last event',
      );
    },
    ['globalOrder', 'backwardRead'],
  ),

  backward(
    'from-position',
    'readAll backward from a position includes it; with a forward read from it, it splits the log in two',
    async (ctx) => {
      const store = await ctx.createStore();
      const all = await interleavedLog(store);
      for (let i = 0; i < all.length; i++) {
        const from = present(all[i]?.position, `position ${i}`);
        const before = await collect(store.readAll({ direction: 'backward', from, pageSize: 2 }));
        ctx.assert.deepEqual(labels(before), labels(all.slice(0, i + 1)).reverse(), `backward from event ${i}`);
        const after = await collect(store.readAll({ from }));
        ctx.assert.deepEqual([...labels(before).reverse(), ...labels(after)], labels(all), `split at event ${i}`);
      }
      ctx.assert.deepEqual(await collect(store.readAll({ direction: 'backward', from: '0' })), [], 'nothing at or before 0');
      // A position past the end (a checkpoint of a bigger log) reads from the end.
      ctx.assert.deepEqual(
        labels(await collect(store.readAll({ direction: 'backward', from: '99999999999999999999' }))),
        labels(all).reverse(),
      );
      await store.deleteStream('a');
      ctx.assert.deepEqual(
        labels(applicationEvents(await collect(store.readAll({ direction: 'backward', pageSize: 1 })))),
        labels(all.filter((event) => event.streamId !== 'a')).reverse(),
        'a deleted stream is gone backward too',
      );
    },
    ['globalOrder', 'backwardRead'],
  ),

  backward(
    'validation',
    "readAll refuses a malformed from, a bad direction, and 'end' forward (ValidationError)",
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(1));
      for (const from of ['abc', '-1', '', 'END']) {
        await ctx.assert.rejects(collect(store.readAll({ direction: 'backward', from })), ValidationError, {
          code: 'VALIDATION',
        });
      }
      await ctx.assert.rejects(collect(store.readAll({ from: 'end' })), ValidationError, { field: 'from' });
      const direction = 'sideways' as 'forward';
      await ctx.assert.rejects(collect(store.readAll({ direction })), ValidationError, { field: 'direction' });
    },
    ['globalOrder', 'backwardRead'],
  ),
];

/** `store.readCategory` (capability `globalOrder`; backward also `backwardRead`). */
export const categoryReadScenarios = [
  category(
    'forward',
    'readCategory gives the events of one category in log order, resumes after a checkpoint, and pages across other categories',
    async (ctx) => {
      const store = await ctx.createStore();
      ctx.assert.deepEqual(await collect(store.readCategory('order')), [], 'an empty store');
      const all = await categoryLog(store);
      const orders = all.filter((event) => ORDER_STREAMS.has(event.streamId));
      ctx.assert.equal(orders.length, 5);
      ctx.assert.deepEqual(labels(await collect(store.readCategory('order'))), labels(orders));
      for (const pageSize of [1, 2, 4, 5, 6]) {
        ctx.assert.deepEqual(
          labels(await collect(store.readCategory('order', { pageSize }))),
          labels(orders),
          `pageSize ${pageSize}`,
        );
      }
      ctx.assert.deepEqual(
        labels(await collect(store.readCategory('order', { maxCount: 2, pageSize: 1 }))),
        labels(orders.slice(0, 2)),
      );
      ctx.assert.deepEqual(await collect(store.readCategory('order', { maxCount: 0 })), []);
      for (let i = 0; i < orders.length; i++) {
        const from = present(orders[i]?.position, `position ${i}`);
        ctx.assert.deepEqual(
          labels(await collect(store.readCategory('order', { from, pageSize: 2 }))),
          labels(orders.slice(i + 1)),
          `after event ${i}`,
        );
      }
      // A position of another category's event is a checkpoint too.
      const cartIndex = all.findIndex((event) => event.streamId === 'cart-1');
      ctx.assert.deepEqual(
        labels(await collect(store.readCategory('order', { from: present(all[cartIndex]?.position, 'cart position') }))),
        labels(all.slice(cartIndex + 1).filter((event) => ORDER_STREAMS.has(event.streamId))),
        "after another category's event",
      );
      ctx.assert.deepEqual(await collect(store.readCategory('none')), [], 'a category without streams');
      ctx.assert.deepEqual(labels(await collect(store.readCategory('order-x'))), [`${streamId('order-x', 1)}:1`]);
    },
    ['globalOrder'],
  ),

  category(
    'metacharacters',
    'categories made of %, _ and \\ match themselves only',
    async (ctx) => {
      const store = await ctx.createStore();
      await categoryLog(store);
      ctx.assert.deepEqual(labels(await collect(store.readCategory('%'))), ['%-1:1']);
      ctx.assert.deepEqual(labels(await collect(store.readCategory('_'))), ['_-1:1']);
      ctx.assert.deepEqual(labels(await collect(store.readCategory('a\\b'))), [`${streamId('a\\b', 1)}:1`]);
      ctx.assert.deepEqual(labels(await collect(store.readCategory('a_'))), []);
      ctx.assert.deepEqual(labels(await collect(store.readCategory('ORDER'))), [], 'categories are case-sensitive');
    },
    ['globalOrder'],
  ),

  category(
    'backward',
    "readCategory backward from 'end' and from a position (inclusive), at every page size; deleted streams are gone",
    async (ctx) => {
      const store = await ctx.createStore();
      ctx.assert.deepEqual(await collect(store.readCategory('order', { direction: 'backward' })), [], 'an empty store');
      const all = await categoryLog(store);
      const orders = all.filter((event) => ORDER_STREAMS.has(event.streamId));
      const reversed = labels(orders).reverse();
      for (const pageSize of [1, 2, 4, 5, 6]) {
        ctx.assert.deepEqual(
          labels(await collect(store.readCategory('order', { direction: 'backward', from: 'end', pageSize }))),
          reversed,
          `pageSize ${pageSize}`,
        );
      }
      ctx.assert.deepEqual(
        labels(await collect(store.readCategory('order', { direction: 'backward', maxCount: 2 }))),
        reversed.slice(0, 2),
      );
      for (let i = 0; i < all.length; i++) {
        const from = present(all[i]?.position, `position ${i}`);
        ctx.assert.deepEqual(
          labels(await collect(store.readCategory('order', { direction: 'backward', from, pageSize: 2 }))),
          labels(all.slice(0, i + 1).filter((event) => ORDER_STREAMS.has(event.streamId))).reverse(),
          `backward from event ${i}`,
        );
      }
      await store.deleteStream(streamId('order', 1));
      ctx.assert.deepEqual(
        labels(applicationEvents(await collect(store.readCategory('order', { direction: 'backward' })))),
        labels(orders.filter((event) => event.streamId !== streamId('order', 1))).reverse(),
      );
    },
    ['globalOrder', 'backwardRead'],
  ),

  category(
    'validation',
    'readCategory refuses an empty category and a malformed from (ValidationError)',
    async (ctx) => {
      const store = await ctx.createStore();
      await ctx.assert.rejects(collect(store.readCategory('')), ValidationError, { field: 'category' });
      await ctx.assert.rejects(collect(store.readCategory('order', { from: 'x' })), ValidationError, { field: 'from' });
      await ctx.assert.rejects(collect(store.readCategory('order', { from: 'end' })), ValidationError, { field: 'from' });
    },
    ['globalOrder'],
  ),
];
