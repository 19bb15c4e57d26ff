import { type ExpectedRevision, NotSupportedError, StreamConcurrencyError, StreamDeletedError } from '@streamstore/core';
import type { Requirement } from '../scenario.js';
import { collect, snapshot, testEvents } from '../support/events.js';
import { withCapabilities } from '../support/storage-wrappers.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('tombstones');

const TOMBSTONES: Requirement[] = ['tombstones'];

const EVERY_EXPECTATION: readonly ExpectedRevision[] = ['any', 'no-stream', 'stream-exists', 0, 1, 2, 3];

/** Hard deletes (capability `tombstones`): a tombstoned stream takes no write, ever, and reads report it. */
export const tombstoneScenarios = [
  scenario(
    'append-refused',
    'after a hard delete every write to the stream throws StreamDeletedError, whatever the expectation, and writes nothing',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(2, 'a'));
      await store.append('other', 'no-stream', testEvents(1, 'o'));
      ctx.assert.equal(await store.deleteStream('s', { hard: true }), true);
      const logBefore = ctx.capabilities.globalOrder ? await collect(store.readAll()) : [];
      for (const expected of EVERY_EXPECTATION) {
        await ctx.assert.rejects(store.append('s', expected, testEvents(1, 'x')), StreamDeletedError, {
          streamId: 's',
          code: 'STREAM_DELETED',
        });
        await ctx.assert.rejects(store.beginWrite('s', expected).appendRange(testEvents(1, 'y')).commit(), StreamDeletedError);
        // A commit of nothing checks the stream all the same.
        await ctx.assert.rejects(store.beginWrite('s', expected).commit(), StreamDeletedError);
      }
      // The stream's old ids do not turn the refusal into an idempotent success.
      await ctx.assert.rejects(store.append('s', 0, testEvents(2, 'a')), StreamDeletedError);
      if (ctx.capabilities.transactions) {
        await ctx.assert.rejects(
          store.appendMany([
            { stream: 'fresh', events: testEvents(1, 'f') },
            { stream: 's', expected: 'any', events: testEvents(1, 'm') },
          ]),
          StreamDeletedError,
          { streamId: 's' },
        );
        ctx.assert.equal(await store.getStream('fresh'), null, 'appendMany wrote no part');
        await ctx.assert.rejects(
          store.transaction(async (tx) => {
            await tx.append('fresh', 'no-stream', testEvents(1, 't'));
            await tx.append('s', 'any', testEvents(1, 't'));
          }),
          StreamDeletedError,
        );
        ctx.assert.equal(await store.getStream('fresh'), null, 'the transaction rolled back');
      }
      ctx.assert.equal((await store.getStream('other'))?.revision, 1, 'other streams are untouched');
      if (ctx.capabilities.globalOrder) ctx.assert.deepEqual(await collect(store.readAll()), logBefore, 'nothing was written');
    },
    TOMBSTONES,
  ),

  scenario(
    'reads-report-deleted',
    'read and getStream of a tombstoned stream throw StreamDeletedError; it is not listed; other streams read as before',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(3, 'a'));
      await store.append('t', 'no-stream', testEvents(2, 'b'));
      const other = await snapshot(store, 't');
      await store.deleteStream('s', { hard: true });
      await ctx.assert.rejects(collect(store.read('s')), StreamDeletedError, { streamId: 's' });
      await ctx.assert.rejects(collect(store.read('s', { from: 2 })), StreamDeletedError);
      if (ctx.capabilities.backwardRead) {
        await ctx.assert.rejects(collect(store.read('s', { direction: 'backward' })), StreamDeletedError);
      }
      await ctx.assert.rejects(store.getStream('s'), StreamDeletedError, { streamId: 's' });
      ctx.assert.deepEqual(await snapshot(store, 't'), other);
      ctx.assert.deepEqual(await collect(store.read('never')), [], 'a missing stream still reads empty');
      ctx.assert.equal(await store.getStream('never'), null);
      if (ctx.capabilities.listStreams) {
        ctx.assert.deepEqual(
          (await collect(store.listStreams())).map((stream) => stream.streamId),
          ['t'],
        );
      }
      if (ctx.capabilities.globalOrder) {
        const ids = (await collect(store.readAll())).filter((e) => e.streamId === 's' && e.revision > 0);
        ctx.assert.deepEqual(ids, [], 'the events are gone from the log');
      }
    },
    TOMBSTONES,
  ),

  scenario(
    'idempotent',
    'a hard delete of a tombstoned stream returns false whatever its expectation, as does a soft one; a never-written stream can be tombstoned',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(2));
      ctx.assert.equal(await store.deleteStream('s', { hard: true, expected: 2 }), true);
      ctx.assert.equal(await store.deleteStream('s', { hard: true }), false);
      ctx.assert.equal(await store.deleteStream('s', { hard: true, expected: 7 }), false);
      ctx.assert.equal(await store.deleteStream('s', { hard: true, expected: 'stream-exists' }), false);
      ctx.assert.equal(await store.deleteStream('s'), false);
      ctx.assert.equal(await store.deleteStream('s', { expected: 2 }), false);
      await ctx.assert.rejects(store.append('s', 'any', testEvents(1, 'z')), StreamDeletedError);

      ctx.assert.equal(await store.deleteStream('never', { hard: true, expected: 'no-stream' }), true);
      await ctx.assert.rejects(store.append('never', 'no-stream', testEvents(1, 'n')), StreamDeletedError);
      await ctx.assert.rejects(store.getStream('never'), StreamDeletedError);
    },
    TOMBSTONES,
  ),

  scenario(
    'expected-mismatch',
    'a hard delete with a stale expected revision is a conflict with the actual revision and leaves the stream writable',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(3, 'a'));
      const before = await snapshot(store, 's');
      for (const expected of [2, 0, 'no-stream'] as const) {
        await ctx.assert.rejects(store.deleteStream('s', { hard: true, expected }), StreamConcurrencyError, {
          streamId: 's',
          expected,
          actual: 3,
        });
      }
      await ctx.assert.rejects(store.deleteStream('missing', { hard: true, expected: 1 }), StreamConcurrencyError, {
        actual: 0,
      });
      ctx.assert.deepEqual(await snapshot(store, 's'), before);
      ctx.assert.equal((await store.append('s', 3, testEvents(1, 'a', 4))).revision, 4, 'no tombstone was left');
      ctx.assert.equal((await store.append('missing', 'no-stream', testEvents(1, 'm'))).revision, 1);
    },
    TOMBSTONES,
  ),

  scenario(
    'soft-recreatable',
    "a soft delete (hard: false or absent) leaves no tombstone: 'no-stream' starts the stream again at revision 1",
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(3, 'a'));
      ctx.assert.equal(await store.deleteStream('s', { hard: false }), true);
      ctx.assert.equal(await store.getStream('s'), null);
      ctx.assert.equal((await store.append('s', 'no-stream', testEvents(2, 'b'))).revision, 2);
      ctx.assert.equal(await store.deleteStream('s', { expected: 2 }), true);
      ctx.assert.equal((await store.append('s', 'any', testEvents(1, 'c'))).revision, 1);
      ctx.assert.deepEqual(
        (await collect(store.read('s'))).map((event) => [event.revision, event.id]),
        [[1, 'c-1']],
      );
      // A tombstone after soft deletes still holds.
      ctx.assert.equal(await store.deleteStream('s', { hard: true }), true);
      await ctx.assert.rejects(store.append('s', 'no-stream', testEvents(1, 'd')), StreamDeletedError);
    },
    TOMBSTONES,
  ),

  scenario(
    'seen-by-other-connections',
    'a tombstone placed through one connection refuses writes and reads made through another',
    async (ctx) => {
      const first = await ctx.createStore();
      const second = await ctx.reopen(first);
      await first.append('s', 'no-stream', testEvents(2, 'a'));
      ctx.assert.equal((await second.getStream('s'))?.revision, 2);
      await first.deleteStream('s', { hard: true });
      await ctx.assert.rejects(second.append('s', 2, testEvents(1, 'b')), StreamDeletedError);
      await ctx.assert.rejects(second.append('s', 'any', testEvents(1, 'b')), StreamDeletedError);
      await ctx.assert.rejects(collect(second.read('s')), StreamDeletedError);
    },
    ['tombstones', 'reopen'],
  ),
];

/** Everywhere: a backend that does not declare `tombstones` refuses hard deletes rather than deleting softly. */
export const tombstoneCapabilityScenarios = [
  scenario(
    'not-supported',
    "without capability 'tombstones' a hard delete throws NotSupportedError and deletes nothing",
    async (ctx) => {
      const store = await ctx.createStore({ wrapStorage: (storage) => withCapabilities(storage, { tombstones: false }) });
      await store.append('s', 'no-stream', testEvents(2));
      await ctx.assert.rejects(store.deleteStream('s', { hard: true }), NotSupportedError, { capability: 'tombstones' });
      ctx.assert.equal((await store.getStream('s'))?.revision, 2);
      ctx.assert.equal(await store.deleteStream('s', { hard: false }), true, 'a soft delete still works');
    },
  ),
];
