import { ValidationError } from '@streamstore/core';
import { collect, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('list-streams');

const IDS = ['delta', 'alpha', 'echo', 'charlie', 'bravo', 'foxtrot', 'golf'];
const SORTED = [...IDS].sort();

/** Stream listing (capability `listStreams`): ordered by id, paged, resumable. */
export const listStreamScenarios = [
  scenario(
    'ordered',
    'listStreams returns every stream ordered by id, with its revision and times',
    async (ctx) => {
      const store = await ctx.createStore();
      ctx.assert.deepEqual(await collect(store.listStreams()), [], 'an empty store lists nothing');
      for (const [i, id] of IDS.entries()) await store.append(id, 'no-stream', testEvents(i + 1));
      const listed = await collect(store.listStreams());
      ctx.assert.deepEqual(
        listed.map((s) => s.streamId),
        SORTED,
      );
      for (const stream of listed) {
        ctx.assert.equal(stream.revision, IDS.indexOf(stream.streamId) + 1);
        ctx.assert.ok(stream.createdAt instanceof Date && stream.updatedAt instanceof Date);
      }
    },
    ['listStreams'],
  ),

  scenario(
    'paging',
    'listStreams pages (pageSize 1, 2, 3, 7, 8), resumes after an id and honours maxCount',
    async (ctx) => {
      const store = await ctx.createStore();
      for (const id of IDS) await store.append(id, 'no-stream', testEvents(1));
      for (const pageSize of [1, 2, 3, 7, 8]) {
        ctx.assert.deepEqual(
          (await collect(store.listStreams({ pageSize }))).map((s) => s.streamId),
          SORTED,
          `pageSize ${pageSize}`,
        );
      }
      ctx.assert.deepEqual(
        (await collect(store.listStreams({ after: 'charlie', pageSize: 2 }))).map((s) => s.streamId),
        SORTED.slice(3),
      );
      ctx.assert.deepEqual(
        (await collect(store.listStreams({ after: 'cat' }))).map((s) => s.streamId),
        SORTED.slice(2),
        'after an id that is not a stream',
      );
      ctx.assert.deepEqual(await collect(store.listStreams({ after: 'zulu' })), []);
      ctx.assert.deepEqual(
        (await collect(store.listStreams({ maxCount: 3, pageSize: 2 }))).map((s) => s.streamId),
        SORTED.slice(0, 3),
      );
      ctx.assert.deepEqual(await collect(store.listStreams({ maxCount: 0 })), []);
    },
    ['listStreams'],
  ),

  scenario(
    'prefix',
    'listStreams with a prefix lists exactly the ids starting with it: %, _ and \\ are plain characters, case counts',
    async (ctx) => {
      const store = await ctx.createStore();
      ctx.assert.deepEqual(await collect(store.listStreams({ prefix: 'order' })), [], 'an empty store');
      for (const id of PREFIX_IDS) await store.append(id, 'no-stream', testEvents(1));
      const listed = async (prefix: string, more: { after?: string; pageSize?: number; maxCount?: number } = {}) =>
        (await collect(store.listStreams({ prefix, ...more }))).map((s) => s.streamId);
      const expected = (prefix: string) => PREFIX_IDS.filter((id) => id.startsWith(prefix)).sort(byUtf8);
      for (const prefix of [
        'order-',
        'order',
        'a%',
        'a_',
        'a\\',
        'a\\\\',
        '%',
        '_',
        'a',
        'O',
        'z',
        '\u{10FFFF}',
        'order-\u{10FFFF}',
      ]) {
        ctx.assert.deepEqual(await listed(prefix), expected(prefix), `prefix ${JSON.stringify(prefix)}`);
      }
      ctx.assert.deepEqual(await listed('a%'), ['a%b'], "'%' is no wildcard");
      ctx.assert.deepEqual(await listed('a_'), ['a_b'], "'_' is no wildcard");
      ctx.assert.deepEqual(await listed('order-1'), ['order-1', 'order-10'], 'a prefix that is also an id');
      ctx.assert.deepEqual(await listed('nothing'), []);
      const orders = expected('order-');
      ctx.assert.equal(orders.length, 5);
      for (const pageSize of [1, 2, 4, 5, 6])
        ctx.assert.deepEqual(await listed('order-', { pageSize }), orders, `pageSize ${pageSize}`);
      ctx.assert.deepEqual(await listed('order-', { after: 'order-1' }), orders.slice(1), 'after an id inside the prefix');
      ctx.assert.deepEqual(await listed('order-', { after: 'a' }), orders, 'after an id before the prefix');
      ctx.assert.deepEqual(await listed('order-', { after: 'order.' }), [], 'after an id past the prefix');
      ctx.assert.deepEqual(await listed('order-', { maxCount: 2, pageSize: 1 }), orders.slice(0, 2));
      ctx.assert.deepEqual((await collect(store.listStreams({ prefix: '' }))).length, PREFIX_IDS.length, "'' lists everything");
      await store.deleteStream('order-2');
      ctx.assert.deepEqual(
        await listed('order-'),
        orders.filter((id) => id !== 'order-2'),
        'a deleted stream is not listed',
      );
      await ctx.assert.rejects(collect(store.listStreams({ prefix: 'a\u0000' })), ValidationError, { field: 'prefix' });
    },
    ['listStreams'],
  ),

  scenario(
    'updated-at',
    "a listed stream's updatedAt is its last event's timestamp, as getStream says",
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('dated', 'no-stream', [datedEvent('d-1', Date.UTC(2020, 1, 3))]);
      await store.append('dated', 1, [datedEvent('d-2', Date.UTC(2019, 4, 5))]);
      const [listed] = await collect(store.listStreams({ prefix: 'dated' }));
      ctx.assert.equal(listed?.updatedAt.toISOString(), '2019-05-05T00:00:00.000Z');
      ctx.assert.equal((await store.getStream('dated'))?.updatedAt.toISOString(), '2019-05-05T00:00:00.000Z');
    },
    ['listStreams'],
  ),
];

/** Ids with LIKE metacharacters, case variants, non-ASCII and the greatest code point (which has no successor). */
const PREFIX_IDS = [
  'order-1',
  'order-10',
  'order-2',
  'order-\u00e9',
  'order-\u{10FFFF}',
  'order',
  'orders',
  'Order-3',
  'order.',
  'a%b',
  'a_b',
  'axb',
  'a\\b',
  'a\\\\b',
  'ab',
  '%',
  '_x',
  '\u{10FFFF}',
  '\u{10FFFF}x',
  'z',
];

/** A test event with an explicit timestamp (ms since the epoch). */
function datedEvent(id: string, timestamp: number) {
  return { id, type: 'TestEvent', data: { tag: id, n: 1 }, timestamp: new Date(timestamp) };
}

/** UTF-8 byte order: the order every backend lists ids in. */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
