import { DuplicateEventError, MultiStreamConcurrencyError } from '@streamstore/core';
import { collect, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('append-many');

/** `store.appendMany`: several streams, all or nothing, conflicts reported together, retries per stream. */
export const appendManyScenarios = [
  scenario(
    'all-or-none',
    'parts on three streams commit together; with two stale expectations nothing is written and both are named with their actual revisions',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('m-a', 'no-stream', testEvents(2, 'ma0'));
      await store.append('m-c', 'no-stream', testEvents(1, 'mc0'));
      const refused = await ctx.assert.rejects(
        store.appendMany([
          { stream: 'm-a', expected: 1, events: testEvents(1, 'ma') },
          { stream: 'm-b', expected: 'no-stream', events: testEvents(1, 'mb') },
          { stream: 'm-c', expected: 'no-stream', events: testEvents(1, 'mc') },
        ]),
        MultiStreamConcurrencyError,
        { code: 'STREAM_CONCURRENCY' },
      );
      ctx.assert.deepEqual(refused.conflicts, [
        { streamId: 'm-a', expected: 1, actual: 2 },
        { streamId: 'm-c', expected: 'no-stream', actual: 1 },
      ]);
      ctx.assert.equal(await store.getStream('m-b'), null, 'nothing of the good part');
      const results = await store.appendMany([
        { stream: 'm-a', expected: 2, events: testEvents(2, 'ma') },
        { stream: 'm-b', events: testEvents(1, 'mb') },
        { stream: 'm-a', expected: 4, events: testEvents(1, 'ma', 3) },
      ]);
      ctx.assert.deepEqual(
        results.map((r) => r.revision),
        [4, 1, 5],
        'one result per part, in order (a stream may appear twice)',
      );
      ctx.assert.deepEqual(
        (await collect(store.read('m-a'))).map((e) => e.id),
        ['ma0-1', 'ma0-2', 'ma-1', 'ma-2', 'ma-3'],
      );
      if (store.capabilities.globalOrder) {
        const log = await collect(store.readAll());
        ctx.assert.equal(log.length, 7, 'the log holds every event once');
        ctx.assert.ok(
          results.every((r) => log.some((e) => e.position === r.position)),
          'each result names its last event in the log',
        );
      }
    },
    ['transactions'],
  ),
  scenario(
    'idempotent-retry',
    'sending an appendMany again returns the original results; a part already stored alone is settled and the rest written; a partial overlap is a duplicate',
    async (ctx) => {
      const store = await ctx.createStore();
      const parts = [
        { stream: 'p-a', expected: 'no-stream' as const, events: testEvents(2, 'pa') },
        { stream: 'p-b', expected: 'any' as const, events: testEvents(1, 'pb') },
      ];
      const first = await store.appendMany(parts);
      ctx.assert.deepEqual(await store.appendMany(parts), first, 'the retry returns the original results');
      ctx.assert.equal((await store.getStream('p-a'))?.revision, 2, 'and writes nothing');
      ctx.assert.equal((await store.getStream('p-b'))?.revision, 1);
      const mixed = await store.appendMany([parts[0]!, { stream: 'p-c', events: testEvents(1, 'pc') }]);
      ctx.assert.deepEqual(mixed[0], first[0], 'the stored part keeps its original result');
      ctx.assert.equal(mixed[1]?.revision, 1, 'the new part is written');
      await ctx.assert.rejects(
        store.appendMany([
          { stream: 'p-a', expected: 'any', events: [...testEvents(1, 'pa', 2), ...testEvents(1, 'fresh')] },
          { stream: 'p-d', events: testEvents(1, 'pd') },
        ]),
        DuplicateEventError,
        { streamId: 'p-a', eventIds: ['pa-2'] },
      );
      ctx.assert.equal(await store.getStream('p-d'), null, 'nothing of the refused call');
    },
    ['transactions'],
  ),
  scenario(
    'concurrent',
    '20 appendMany calls at once over four shared streams all commit whole, each stream with contiguous revisions',
    async (ctx) => {
      const store = await ctx.createStore();
      const calls = Array.from({ length: 20 }, (_, i) =>
        store.appendMany([
          { stream: `cm-${i % 4}`, expected: 'any', events: testEvents(1, `x${i}`) },
          { stream: `cm-${(i + 1) % 4}`, expected: 'any', events: testEvents(2, `y${i}`) },
        ]),
      );
      await Promise.all(calls);
      let total = 0;
      for (let s = 0; s < 4; s++) {
        const events = await collect(store.read(`cm-${s}`));
        total += events.length;
        ctx.assert.deepEqual(
          events.map((e) => e.revision),
          Array.from({ length: events.length }, (_, i) => i + 1),
        );
      }
      ctx.assert.equal(total, 60, 'every event of every call');
    },
    ['transactions'],
  ),
];
