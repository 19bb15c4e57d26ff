import { StreamConcurrencyError } from '@streamstore/core';
import { applicationEvents, collect, snapshot, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('delete');

/** Stream deletion: gone from every read, idempotent, conditional, re-creatable. */
export const deleteScenarios = [
  scenario(
    'removes-stream',
    'a deleted stream reads nothing and getStream returns null; other streams are untouched',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(3, 'a'));
      await store.append('other', 'no-stream', testEvents(2, 'o'));
      const other = await snapshot(store, 'other');
      ctx.assert.equal(await store.deleteStream('s'), true);
      ctx.assert.equal(await store.getStream('s'), null);
      ctx.assert.deepEqual(await collect(store.read('s')), []);
      if (ctx.capabilities.backwardRead) ctx.assert.deepEqual(await collect(store.read('s', { direction: 'backward' })), []);
      ctx.assert.deepEqual(await snapshot(store, 'other'), other);
    },
  ),

  scenario('idempotent', 'deleting a missing or already deleted stream is not an error and returns false', async (ctx) => {
    const store = await ctx.createStore();
    ctx.assert.equal(await store.deleteStream('never'), false);
    await store.append('s', 'no-stream', testEvents(1));
    ctx.assert.equal(await store.deleteStream('s'), true);
    ctx.assert.equal(await store.deleteStream('s'), false);
    ctx.assert.equal(await store.deleteStream('s', { expected: 'any' }), false);
  }),

  scenario(
    'recreate',
    "after a delete, 'no-stream' (or 0) starts the stream again at revision 1, with fresh ids",
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(3, 'a'));
      await store.deleteStream('s');
      const result = await store.append('s', 'no-stream', testEvents(2, 'b'));
      ctx.assert.equal(result.revision, 2);
      const events = await collect(store.read('s'));
      ctx.assert.deepEqual(
        events.map((event) => [event.revision, event.id]),
        [
          [1, 'b-1'],
          [2, 'b-2'],
        ],
      );
      await store.deleteStream('s');
      // The ids of a deleted stream are gone with it: reusing them is no duplicate.
      ctx.assert.equal((await store.append('s', 0, testEvents(3, 'a'))).revision, 3);
      ctx.assert.equal((await store.getStream('s'))?.revision, 3);
    },
  ),

  scenario(
    'unseen-by-writer',
    'a store that never saw a delete (a stale cached head, or no knowledge of the stream) appends into its new life, readable everywhere',
    async (ctx) => {
      const first = await ctx.createStore();
      const second = await ctx.reopen(first);
      await first.append('s', 'no-stream', testEvents(2, 'a'));
      await second.append('s', 'any', testEvents(1, 'b'));
      await second.deleteStream('s');
      // `first` last saw 's' at revision 2 and knows nothing of the delete.
      ctx.assert.equal((await first.append('s', 'any', testEvents(1, 'c'))).revision, 1);
      const idsOf = async (store: typeof first) => (await collect(store.read('s'))).map((event) => [event.revision, event.id]);
      ctx.assert.deepEqual(await idsOf(await ctx.reopen(first)), [[1, 'c-1']]);
      await first.deleteStream('s');
      // A store that never heard of 's' re-creates it.
      ctx.assert.equal((await (await ctx.reopen(first)).append('s', 'no-stream', testEvents(1, 'd'))).revision, 1);
      ctx.assert.deepEqual(await idsOf(await ctx.reopen(first)), [[1, 'd-1']]);
      ctx.assert.deepEqual(await idsOf(second), [[1, 'd-1']]);
    },
    ['reopen'],
  ),

  scenario('expected-match', 'a delete with a matching expected revision succeeds', async (ctx) => {
    const store = await ctx.createStore();
    await store.append('a', 'no-stream', testEvents(2));
    await store.append('b', 'no-stream', testEvents(2));
    await store.append('c', 'no-stream', testEvents(2));
    ctx.assert.equal(await store.deleteStream('a', { expected: 2 }), true);
    ctx.assert.equal(await store.deleteStream('b', { expected: 'stream-exists' }), true);
    ctx.assert.equal(await store.deleteStream('c', { expected: 'any' }), true);
    ctx.assert.equal(await store.deleteStream('d', { expected: 'no-stream' }), false);
    for (const id of ['a', 'b', 'c', 'd']) ctx.assert.equal(await store.getStream(id), null);
  }),

  scenario(
    'expected-mismatch',
    'a delete with a mismatching expected revision is a conflict and deletes nothing',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(3));
      const before = await snapshot(store, 's');
      for (const expected of [2, 4, 0, 'no-stream'] as const) {
        await ctx.assert.rejects(store.deleteStream('s', { expected }), StreamConcurrencyError, {
          streamId: 's',
          expected,
          actual: 3,
        });
      }
      await ctx.assert.rejects(store.deleteStream('missing', { expected: 'stream-exists' }), StreamConcurrencyError, {
        actual: 0,
      });
      await ctx.assert.rejects(store.deleteStream('missing', { expected: 1 }), StreamConcurrencyError, { actual: 0 });
      ctx.assert.deepEqual(await snapshot(store, 's'), before);
    },
  ),

  scenario(
    'gone-from-read-all',
    'deleted events are gone from readAll; the other streams stay in order',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('a', 'no-stream', testEvents(2, 'a'));
      await store.append('b', 'no-stream', testEvents(2, 'b'));
      await store.append('a', 2, testEvents(1, 'a', 3));
      await store.append('c', 'no-stream', testEvents(1, 'c'));
      await store.deleteStream('a');
      // The delete's own system event (capability streamDeletedEvents) is checked by the delete-events scenarios.
      const all = applicationEvents(await collect(store.readAll()));
      ctx.assert.deepEqual(
        all.map((event) => event.id),
        ['b-1', 'b-2', 'c-1'],
      );
      await store.append('a', 'no-stream', testEvents(1, 'z'));
      const after = applicationEvents(await collect(store.readAll()));
      ctx.assert.deepEqual(
        after.map((event) => `${event.streamId}:${event.revision}:${event.id}`),
        ['b:1:b-1', 'b:2:b-2', 'c:1:c-1', 'a:1:z-1'],
      );
    },
    ['globalOrder'],
  ),

  scenario(
    'gone-from-list',
    'a deleted stream is not listed',
    async (ctx) => {
      const store = await ctx.createStore();
      for (const id of ['a', 'b', 'c']) await store.append(id, 'no-stream', testEvents(1));
      await store.deleteStream('b');
      ctx.assert.deepEqual(
        (await collect(store.listStreams())).map((stream) => stream.streamId),
        ['a', 'c'],
      );
    },
    ['listStreams'],
  ),
];
