import { type ExpectedRevision, StreamConcurrencyError } from '@streamstore/core';
import type { ScenarioContext } from '../scenario.js';
import { collect, essentials, expectedEssentials, snapshot, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('append');

/** Appends two events to a fresh stream `s` so that it exists at revision 2. */
async function existingStream(ctx: ScenarioContext) {
  const store = await ctx.createStore();
  await store.append('s', 'no-stream', testEvents(2, 'old'));
  return store;
}

/** Commits with `expected` where it must succeed, and checks revisions and content. */
function accepts(name: string, title: string, exists: boolean, expected: (head: number) => ExpectedRevision) {
  return scenario(name, title, async (ctx) => {
    const store = exists ? await existingStream(ctx) : await ctx.createStore();
    const head = exists ? 2 : 0;
    const result = await store.beginWrite('s', expected(head)).appendRange(testEvents(3, 'new')).commit();
    ctx.assert.equal(result.revision, head + 3);
    const events = await collect(store.read('s'));
    ctx.assert.deepEqual(essentials(events.slice(head)), expectedEssentials(testEvents(3, 'new'), head + 1));
    ctx.assert.equal((await store.getStream('s'))?.revision, head + 3);
  });
}

/** Commits with `expected` where it must fail with a conflict carrying `expected` and the actual revision. */
function rejects(name: string, title: string, exists: boolean, expected: ExpectedRevision) {
  return scenario(name, title, async (ctx) => {
    const store = exists ? await existingStream(ctx) : await ctx.createStore();
    const before = await snapshot(store, 's');
    const error = await ctx.assert.rejects(
      store.beginWrite('s', expected).appendRange(testEvents(2, 'new')).commit(),
      StreamConcurrencyError,
      { streamId: 's', expected, actual: exists ? 2 : 0, code: 'STREAM_CONCURRENCY' },
    );
    ctx.assert.equal(error.name, 'StreamConcurrencyError');
    ctx.assert.deepEqual(await snapshot(store, 's'), before, 'a rejected commit writes nothing');
  });
}

/** Expected-revision modes, with and without an existing stream. */
export const appendScenarios = [
  accepts('any-missing', "'any' creates a missing stream at revision 1", false, () => 'any'),
  accepts('any-existing', "'any' appends to an existing stream", true, () => 'any'),
  accepts('no-stream-missing', "'no-stream' creates a missing stream", false, () => 'no-stream'),
  rejects('no-stream-existing', "'no-stream' on an existing stream is a conflict with the actual revision", true, 'no-stream'),
  accepts('stream-exists-existing', "'stream-exists' appends to an existing stream", true, () => 'stream-exists'),
  rejects('stream-exists-missing', "'stream-exists' on a missing stream is a conflict with actual 0", false, 'stream-exists'),
  accepts('number-existing', 'the exact current revision appends', true, (head) => head),
  rejects('number-behind', 'a revision behind the head is a conflict with the actual revision', true, 1),
  rejects('number-ahead', 'a revision ahead of the head is a conflict with the actual revision', true, 5),
  rejects('number-missing', 'a revision > 0 on a missing stream is a conflict with actual 0', false, 3),
  accepts('zero-missing', '0 creates a missing stream', false, () => 0),
  rejects('zero-existing', '0 on an existing stream is a conflict with the actual revision', true, 0),

  scenario(
    'default-expected',
    "beginWrite without expected opens the stream as new ('no-stream'): it creates a missing stream and conflicts, with the actual revision, on an existing one",
    async (ctx) => {
      const store = await existingStream(ctx);
      await ctx.assert.rejects(store.beginWrite('s').append(testEvents(1, 'x')[0]!).commit(), StreamConcurrencyError, {
        streamId: 's',
        expected: 'no-stream',
        actual: 2,
      });
      ctx.assert.equal((await store.beginWrite('fresh').append(testEvents(1, 'y')[0]!).commit()).revision, 1);
      ctx.assert.equal((await store.getStream('s'))?.revision, 2, 'the conflict wrote nothing');
    },
  ),

  scenario(
    'generated-ids',
    'events appended without an id get a UUID each; committing the same writer again is an idempotent retry',
    async (ctx) => {
      const store = await ctx.createStore();
      const writer = store.beginWrite('s', 'no-stream').appendRange([
        { type: 'T', data: 1 },
        { type: 'T', data: 2 },
      ]);
      const first = await writer.commit();
      ctx.assert.deepEqual(await writer.commit(), first, 'the same writer retried returns the original result');
      const events = await collect(store.read('s'));
      ctx.assert.equal(events.length, 2, 'written once');
      ctx.assert.ok(
        events.every((event) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(event.id)),
        'UUIDs version 7 (time first, then random bits)',
      );
      ctx.assert.notEqual(events[0]?.id, events[1]?.id);
    },
  ),

  scenario(
    'builder-order',
    'append and appendRange keep the order of a batch; one commit gets consecutive revisions',
    async (ctx) => {
      const store = await ctx.createStore();
      const [a, b, c, d] = testEvents(4, 'o');
      const result = await store.beginWrite('s', 'no-stream').append(a!).appendRange([b!, c!]).append(d!).commit();
      ctx.assert.equal(result.revision, 4);
      const events = await collect(store.read('s'));
      ctx.assert.deepEqual(
        events.map((event) => [event.revision, event.id]),
        [
          [1, 'o-1'],
          [2, 'o-2'],
          [3, 'o-3'],
          [4, 'o-4'],
        ],
      );
    },
  ),

  scenario('sequential-commits', 'successive commits continue where the previous one ended', async (ctx) => {
    const store = await ctx.createStore();
    let revision = 0;
    for (let commit = 0; commit < 5; commit++) {
      const result = await store.append('s', revision, testEvents(commit + 1, `c${commit}`));
      ctx.assert.equal(result.revision, revision + commit + 1);
      revision = result.revision;
    }
    const events = await collect(store.read('s'));
    ctx.assert.deepEqual(
      events.map((event) => event.revision),
      Array.from({ length: 15 }, (_, i) => i + 1),
    );
  }),

  scenario('empty-batch', 'an empty commit writes nothing: it checks expected and returns the current revision', async (ctx) => {
    const store = await ctx.createStore();
    ctx.assert.deepEqual(await store.beginWrite('s', 'no-stream').commit(), { revision: 0 });
    ctx.assert.equal(await store.getStream('s'), null, 'an empty commit creates no stream');
    await store.append('s', 'no-stream', testEvents(2));
    ctx.assert.deepEqual(await store.beginWrite('s', 2).commit(), { revision: 2 });
    await ctx.assert.rejects(store.beginWrite('s', 'no-stream').commit(), StreamConcurrencyError, { actual: 2 });
  }),

  scenario('commit-result-position', 'a commit returns a position exactly when the backend has a global order', async (ctx) => {
    const store = await ctx.createStore();
    const result = await store.append('s', 'no-stream', testEvents(2));
    if (ctx.capabilities.globalOrder) {
      ctx.assert.equal(typeof result.position, 'string', 'globalOrder backends return a position');
      const last = (await collect(store.read('s'))).at(-1);
      ctx.assert.equal(last?.position, result.position, 'the position of the last event of the commit');
    } else {
      ctx.assert.equal(result.position, undefined);
    }
  }),
];
