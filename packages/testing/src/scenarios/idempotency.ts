import { DuplicateEventError, StreamConcurrencyError, ValidationError } from '@streamstore/core';
import { eventDigest, type StreamStorage } from '@streamstore/core/storage';
import { collect, snapshot, testEvents } from '../support/events.js';
import { callCounter } from '../support/storage-wrappers.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('idempotency');

/** Idempotent retries by event id, partial overlaps and duplicates. */
export const idempotencyScenarios = [
  scenario(
    'retry-at-revision',
    'an identical batch resent at its original revision returns the original result and writes nothing',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(2, 'a'));
      const original = await store.append('s', 2, testEvents(3, 'b'));
      const before = await snapshot(store, 's');
      ctx.assert.deepEqual(await store.append('s', 2, testEvents(3, 'b')), original);
      ctx.assert.deepEqual(await snapshot(store, 's'), before);
    },
  ),

  scenario('retry-no-stream', "an identical batch resent with 'no-stream' returns the original result", async (ctx) => {
    const store = await ctx.createStore();
    const original = await store.append('s', 'no-stream', testEvents(2, 'a'));
    const before = await snapshot(store, 's');
    ctx.assert.deepEqual(await store.append('s', 'no-stream', testEvents(2, 'a')), original);
    ctx.assert.deepEqual(await store.append('s', 0, testEvents(2, 'a')), original);
    ctx.assert.deepEqual(await snapshot(store, 's'), before);
  }),

  scenario('retry-any-latest', "with 'any', resending the stream's latest events returns the original result", async (ctx) => {
    const store = await ctx.createStore();
    await store.append('s', 'any', testEvents(2, 'a'));
    const original = await store.append('s', 'any', testEvents(2, 'b'));
    const before = await snapshot(store, 's');
    ctx.assert.deepEqual(await store.append('s', 'any', testEvents(2, 'b')), original);
    ctx.assert.deepEqual(await store.append('s', 'stream-exists', testEvents(2, 'b')), original);
    ctx.assert.deepEqual(await snapshot(store, 's'), before);
  }),

  scenario(
    'across-stores',
    'a store with an outdated view of a stream (another store wrote or deleted it) still retries idempotently and reports the actual revision',
    async (ctx) => {
      const first = await ctx.createStore();
      const second = await ctx.reopen(first);
      const original = await first.append('s', 'no-stream', testEvents(2, 'a'));
      const other = await second.append('s', 2, testEvents(1, 'b'));
      // `first` last saw 's' at revision 2.
      ctx.assert.deepEqual(await first.append('s', 'no-stream', testEvents(2, 'a')), original);
      await ctx.assert.rejects(first.append('s', 2, testEvents(1, 'c')), StreamConcurrencyError, { actual: 3 });
      ctx.assert.equal((await first.append('s', 3, testEvents(1, 'c'))).revision, 4);
      ctx.assert.deepEqual(await second.append('s', 2, testEvents(1, 'b')), other);
      ctx.assert.deepEqual(
        (await collect(second.read('s'))).map((event) => event.id),
        ['a-1', 'a-2', 'b-1', 'c-1'],
      );
      // After `first` deletes the stream, `second`'s retry is a new write that no longer fits its expectation.
      ctx.assert.equal(await first.deleteStream('s'), true);
      await ctx.assert.rejects(second.append('s', 2, testEvents(1, 'b')), StreamConcurrencyError, { actual: 0 });
      ctx.assert.equal(await second.getStream('s'), null);
    },
    ['reopen'],
  ),

  scenario(
    'retry-after-later-appends',
    'a retry at the original revision still returns the original result after later appends',
    async (ctx) => {
      const store = await ctx.createStore();
      const first = await store.append('s', 'no-stream', testEvents(2, 'a'));
      const second = await store.append('s', 2, testEvents(2, 'b'));
      await store.append('s', 4, testEvents(3, 'c'));
      const before = await snapshot(store, 's');
      ctx.assert.deepEqual(await store.append('s', 2, testEvents(2, 'b')), second);
      ctx.assert.deepEqual(await store.append('s', 'no-stream', testEvents(2, 'a')), first);
      ctx.assert.deepEqual(await snapshot(store, 's'), before);
    },
  ),

  scenario(
    'any-not-latest',
    "with 'any', resending events that are no longer the latest is a DuplicateEventError",
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'any', testEvents(2, 'a'));
      await store.append('s', 'any', testEvents(1, 'b'));
      const before = await snapshot(store, 's');
      await ctx.assert.rejects(store.append('s', 'any', testEvents(2, 'a')), DuplicateEventError, {
        streamId: 's',
        eventIds: ['a-1', 'a-2'],
        code: 'DUPLICATE_EVENT',
      });
      ctx.assert.deepEqual(await snapshot(store, 's'), before);
    },
  ),

  scenario(
    'partial-overlap',
    'a batch overlapping stored ids in part is a DuplicateEventError naming the overlapping ids',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(3, 'a'));
      const before = await snapshot(store, 's');
      const batch = [testEvents(1, 'n')[0]!, testEvents(1, 'a', 2)[0]!, testEvents(1, 'n', 2)[0]!, testEvents(1, 'a', 3)[0]!];
      for (const expected of ['any', 3, 'stream-exists'] as const) {
        await ctx.assert.rejects(store.append('s', expected, batch), DuplicateEventError, {
          streamId: 's',
          eventIds: ['a-2', 'a-3'],
        });
      }
      ctx.assert.deepEqual(await snapshot(store, 's'), before);
    },
  ),

  scenario('prefix-overlap', 'a batch that extends an earlier batch with new events is a DuplicateEventError', async (ctx) => {
    const store = await ctx.createStore();
    await store.append('s', 'no-stream', testEvents(2, 'a'));
    const before = await snapshot(store, 's');
    await ctx.assert.rejects(store.append('s', 'no-stream', testEvents(3, 'a')), DuplicateEventError, {
      eventIds: ['a-1', 'a-2'],
    });
    await ctx.assert.rejects(store.append('s', 2, testEvents(3, 'a')), DuplicateEventError, { eventIds: ['a-1', 'a-2'] });
    ctx.assert.deepEqual(await snapshot(store, 's'), before);
  }),

  scenario(
    'same-ids-elsewhere',
    'the same ids resent at another place (another revision, another order) are a DuplicateEventError',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(2, 'a'));
      await store.append('s', 2, testEvents(2, 'b'));
      const before = await snapshot(store, 's');
      // The right ids, but at revision 4 instead of 0.
      await ctx.assert.rejects(store.append('s', 4, testEvents(2, 'a')), DuplicateEventError, { eventIds: ['a-1', 'a-2'] });
      // The right place, the wrong order.
      const reversed = testEvents(2, 'b').reverse();
      await ctx.assert.rejects(store.append('s', 2, reversed), DuplicateEventError, { eventIds: ['b-2', 'b-1'] });
      // A single id of an earlier batch.
      await ctx.assert.rejects(store.append('s', 'any', testEvents(1, 'b')), DuplicateEventError, { eventIds: ['b-1'] });
      ctx.assert.deepEqual(await snapshot(store, 's'), before);
    },
  ),

  scenario(
    'retry-other-content',
    'an id resent with other content (type, data, metadata) is a DuplicateEventError, never a silent success',
    async (ctx) => {
      const store = await ctx.createStore();
      const paid = { id: 'pay-1', type: 'PaymentReceived', data: { amount: 100, currency: 'EUR' }, metadata: { user: 'u1' } };
      const original = await store.append('s', 'no-stream', [paid]);
      const before = await snapshot(store, 's');
      const others = [
        { ...paid, type: 'PaymentRefunded' },
        { ...paid, data: { amount: 1_000_000, currency: 'EUR' } },
        { ...paid, metadata: { user: 'mallory' } },
        { ...paid, metadata: undefined },
      ];
      for (const other of others) {
        for (const expected of ['no-stream', 0, 'any', 'stream-exists'] as const) {
          await ctx.assert.rejects(store.append('s', expected, [other]), DuplicateEventError, {
            streamId: 's',
            eventIds: ['pay-1'],
          });
        }
      }
      // Two-event batches: the second event differs; the first alone would match.
      const pair = testEvents(2, 'p');
      const second = await store.append('s', 1, pair);
      const written = await snapshot(store, 's');
      const changed = [pair[0]!, { ...pair[1]!, data: { tag: 'p', n: 99 } }];
      await ctx.assert.rejects(store.append('s', 1, changed), DuplicateEventError, { eventIds: ['p-1', 'p-2'] });
      await ctx.assert.rejects(store.append('s', 'any', changed), DuplicateEventError, { eventIds: ['p-1', 'p-2'] });
      // The timestamp is not content (it defaults to now on every try): an identical retry with another one succeeds.
      ctx.assert.deepEqual(await store.append('s', 'no-stream', [{ ...paid, timestamp: new Date(0) }]), original);
      ctx.assert.deepEqual(await store.append('s', 'any', pair), second);
      ctx.assert.deepEqual(written.events.slice(0, 1), before.events, 'the rejected retries wrote nothing');
      ctx.assert.deepEqual(await snapshot(store, 's'), written);
    },
  ),

  scenario(
    'stored-digests',
    'a backend that returns digests from findEvents returns the digest of the content it stored (eventDigest)',
    async (ctx) => {
      let storage: StreamStorage | undefined;
      const store = await ctx.createStore({
        wrapStorage: (inner) => {
          storage = inner;
          return inner;
        },
      });
      const events = [
        { id: 'd-1', type: 'Plain', data: { b: 1, a: [2, { d: 3, c: null }] } },
        { id: 'd-2', type: 'WithMetadata', data: 'text', metadata: { user: 'u1', 'a b': true } },
      ];
      await store.append('s', 'no-stream', events);
      const locations = await (storage as StreamStorage).findEvents('s', ['d-1', 'd-2']);
      ctx.assert.equal(locations.length, 2);
      for (const location of locations) {
        if (location.digest === undefined) continue;
        const event = events.find((candidate) => candidate.id === location.id) as (typeof events)[number];
        ctx.assert.equal(location.digest, eventDigest(store.serializer.encode('event', event)), `digest of ${location.id}`);
      }
    },
  ),

  scenario('ids-per-stream', 'event ids are unique per stream: the same id may be used in another stream', async (ctx) => {
    const store = await ctx.createStore();
    await store.append('s1', 'no-stream', testEvents(2, 'a'));
    ctx.assert.equal((await store.append('s2', 'no-stream', testEvents(2, 'a'))).revision, 2);
    ctx.assert.equal((await snapshot(store, 's2')).events.length, 2);
  }),

  scenario('duplicate-in-batch', 'duplicate ids inside one batch are a ValidationError before any I/O', async (ctx) => {
    const counter = callCounter();
    const store = await ctx.createStore({ wrapStorage: counter.wrap });
    const batch = [...testEvents(2, 'd'), testEvents(1, 'd')[0]!];
    const error = await ctx.assert.rejects(store.append('s', 'any', batch), ValidationError, { code: 'VALIDATION' });
    ctx.assert.equal(error.field, 'events[2].id');
    ctx.assert.equal(counter.io, 0, 'no storage call was made');
    ctx.assert.equal(await store.getStream('s'), null);
  }),
];
