import { categoryOf, parseStreamId, streamId } from '@streamstore/core';
import { collect, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('stream-ids');

/** Stream ids: composite ids, unicode, lookalikes and the 256-byte limit. */
export const streamIdScenarios = [
  scenario(
    'composite',
    "composite ids from streamId(...) with '-' and '\\' in parts are distinct streams that round-trip",
    async (ctx) => {
      const store = await ctx.createStore();
      const partsList = [
        ['order', 'a-b', 'c'],
        ['order', 'a', 'b-c'],
        ['order', 'a\\', '-c'],
        ['order', 'a\\-', 'c'],
        ['order', 'a', 'b', 'c'],
        ['order', 'a-b-c'],
        ['order\\x', '42'],
      ];
      const ids = partsList.map(([category, ...rest]) => streamId(category!, ...rest));
      ctx.assert.equal(new Set(ids).size, ids.length, 'escaping keeps composite ids distinct');
      for (const [i, id] of ids.entries()) await store.append(id, 'no-stream', testEvents(i + 1, `p${i}`));
      for (const [i, id] of ids.entries()) {
        const events = await collect(store.read(id));
        ctx.assert.equal(events.length, i + 1, `stream ${id}`);
        ctx.assert.ok(
          events.every((event) => event.streamId === id),
          'streamId read back as written',
        );
        ctx.assert.deepEqual(parseStreamId(id), partsList[i]);
        ctx.assert.equal(categoryOf(id), partsList[i]?.[0]);
      }
    },
  ),

  scenario(
    'lookalikes',
    'ids differing only in case, trailing space, prefix or unicode normalization are distinct streams',
    async (ctx) => {
      const store = await ctx.createStore();
      const ids = [
        'order-1',
        'Order-1',
        'order-1 ',
        'order-10',
        'order',
        'ordér-1',
        'orde\u0301r-1',
        'order_1',
        'order%1',
        'order.1',
      ];
      for (const [i, id] of ids.entries()) await store.append(id, 'no-stream', testEvents(i + 1, `x${i}`));
      for (const [i, id] of ids.entries()) {
        ctx.assert.equal((await store.getStream(id))?.revision, i + 1, `stream ${JSON.stringify(id)}`);
        const events = await collect(store.read(id));
        ctx.assert.deepEqual(
          events.map((event) => event.id),
          testEvents(i + 1, `x${i}`).map((event) => event.id),
        );
      }
    },
  ),

  scenario('special-characters', 'ids with quotes, slashes, dots, percent signs, SQL and unicode work', async (ctx) => {
    const store = await ctx.createStore();
    const ids = [
      "it's",
      'a"b',
      'a/b/../c',
      '../../etc/passwd',
      '..',
      'C:\\temp\\x',
      '50%_off*',
      "'; DROP TABLE streams; --",
      '😀 ünïcødé 日本',
      ' ',
      '?query=1&x#frag',
    ];
    for (const id of ids) await store.append(id, 'no-stream', [{ id: 'only', type: 'T', data: { id } }]);
    for (const id of ids) {
      const [event] = await collect(store.read(id));
      ctx.assert.deepEqual(event?.data, { id }, `stream ${JSON.stringify(id)}`);
      ctx.assert.equal(event?.streamId, id);
    }
  }),

  scenario('max-length', 'a stream id of exactly 256 UTF-8 bytes works (ASCII, 2-byte and 4-byte characters)', async (ctx) => {
    const store = await ctx.createStore();
    const ids = ['a'.repeat(256), 'é'.repeat(128), '😀'.repeat(64), `${'x'.repeat(253)}€`];
    for (const id of ids) ctx.assert.equal(Buffer.byteLength(id, 'utf8'), 256);
    for (const id of ids) await store.append(id, 'no-stream', testEvents(2));
    for (const id of ids) {
      ctx.assert.equal((await store.getStream(id))?.revision, 2);
      ctx.assert.equal((await collect(store.read(id)))[1]?.streamId, id);
    }
  }),
];
