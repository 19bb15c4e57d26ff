import { collect, snapshot, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('cancellation');

function abortedSignal(): AbortSignal {
  const controller = new AbortController();
  controller.abort(new Error('cancelled by the scenario'));
  return controller.signal;
}

/** AbortSignal support: an aborted call rejects with an AbortError and leaves no half batch. */
export const cancellationScenarios = [
  scenario(
    'commit-aborted-before',
    'a commit with an already aborted signal rejects with AbortError and writes nothing',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(1, 'a'));
      const before = await snapshot(store, 's');
      await ctx.assert.rejectsAbort(store.beginWrite('s', 1).appendRange(testEvents(3, 'b')).commit({ signal: abortedSignal() }));
      await ctx.assert.rejectsAbort(store.append('new', 'no-stream', testEvents(2, 'n'), { signal: abortedSignal() }));
      ctx.assert.deepEqual(await snapshot(store, 's'), before);
      ctx.assert.equal(await store.getStream('new'), null);
    },
  ),

  scenario('commit-aborted-racing', 'aborting while a commit is in flight leaves all of the batch or none of it', async (ctx) => {
    const store = await ctx.createStore();
    for (let attempt = 0; attempt < 5; attempt++) {
      const controller = new AbortController();
      const stream = `race-${attempt}`;
      const commit = store.append(stream, 'no-stream', testEvents(5, 'r'), { signal: controller.signal });
      // Abort at a different moment each time: synchronously, after a microtask, after a macrotask, ...
      if (attempt === 0) controller.abort();
      else if (attempt === 1) await Promise.resolve().then(() => controller.abort());
      else setTimeout(() => controller.abort(), attempt - 2);
      const outcome = await commit.then(
        () => 'committed',
        (error: Error) => error.name,
      );
      ctx.assert.ok(outcome === 'committed' || outcome === 'AbortError', `unexpected outcome ${outcome}`);
      const events = await collect(store.read(stream));
      ctx.assert.ok(events.length === 0 || events.length === 5, `${events.length} of 5 events written: a half batch`);
      if (outcome === 'committed') ctx.assert.equal(events.length, 5, 'a resolved commit is stored');
    }
  }),

  scenario('read-aborted-before', 'reads and getStream with an already aborted signal reject with AbortError', async (ctx) => {
    const store = await ctx.createStore();
    await store.append('s', 'no-stream', testEvents(3));
    await ctx.assert.rejectsAbort(collect(store.read('s', { signal: abortedSignal() })));
    await ctx.assert.rejectsAbort(store.getStream('s', { signal: abortedSignal() }));
    if (ctx.capabilities.globalOrder) await ctx.assert.rejectsAbort(collect(store.readAll({ signal: abortedSignal() })));
  }),

  scenario(
    'read-aborted-between-pages',
    'a signal fired between pages of a read rejects the read with AbortError',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(10));
      const controller = new AbortController();
      const seen: number[] = [];
      await ctx.assert.rejectsAbort(async () => {
        for await (const event of store.read('s', { pageSize: 2, signal: controller.signal })) {
          seen.push(event.revision);
          if (event.revision === 3) controller.abort();
        }
      });
      ctx.assert.ok(seen.length >= 3 && seen.length < 10, `the read stopped early (saw ${seen.length} events)`);
    },
  ),

  scenario(
    'read-all-aborted-between-pages',
    'a signal fired between pages of readAll rejects it with AbortError',
    async (ctx) => {
      const store = await ctx.createStore();
      for (let i = 0; i < 5; i++) await store.append(`s${i}`, 'no-stream', testEvents(2));
      const controller = new AbortController();
      let seen = 0;
      await ctx.assert.rejectsAbort(async () => {
        for await (const _ of store.readAll({ pageSize: 2, signal: controller.signal })) {
          if (++seen === 3) controller.abort();
        }
      });
      ctx.assert.ok(seen < 10, 'the read stopped early');
    },
    ['globalOrder'],
  ),

  scenario(
    'delete-aborted-before',
    'a delete with an already aborted signal rejects with AbortError and deletes nothing',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(2));
      const before = await snapshot(store, 's');
      await ctx.assert.rejectsAbort(store.deleteStream('s', { signal: abortedSignal() }));
      ctx.assert.deepEqual(await snapshot(store, 's'), before);
    },
  ),
];
