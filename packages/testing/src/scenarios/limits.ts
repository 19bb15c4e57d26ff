import { DEFAULT_LIMITS, LimitExceededError, ValidationError } from '@streamstore/core';
import { collect, snapshot, testEvents } from '../support/events.js';
import { callCounter } from '../support/storage-wrappers.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('limits');

/** Events in the large default commit: ten times the count limit the library used to impose on every backend. */
const LARGE_COMMIT_EVENTS = 10_000;

/** Configured limits: checked before I/O, reported with a typed error naming the limit. */
export const limitScenarios = [
  scenario(
    'defaults',
    'by default a commit is limited by bytes (16 MiB) and per event (1 MiB); by count only where the backend has a hard limit',
    async (ctx) => {
      const store = await ctx.createStore();
      const backendBytes = ctx.capabilities.maxCommitBytes ?? Number.POSITIVE_INFINITY;
      ctx.assert.equal(DEFAULT_LIMITS.maxCommitBytes, 16 * 1024 * 1024);
      ctx.assert.equal(store.limits.maxCommitBytes, Math.min(DEFAULT_LIMITS.maxCommitBytes, backendBytes));
      ctx.assert.equal(store.limits.maxEventBytes, Math.min(DEFAULT_LIMITS.maxEventBytes, store.limits.maxCommitBytes));
      ctx.assert.equal(store.limits.maxEventsPerCommit, ctx.capabilities.maxEventsPerCommit, 'no count limit of our own');
    },
  ),

  scenario(
    'max-commit-bytes',
    'a commit larger than maxCommitBytes is a LimitExceededError naming it, before any I/O; exactly the limit commits',
    async (ctx) => {
      const counter = callCounter();
      const store = await ctx.createStore({ limits: { maxCommitBytes: 4096, maxEventBytes: 1024 }, wrapStorage: counter.wrap });
      await store.append('s', 'no-stream', testEvents(1, 'a'));
      const before = await snapshot(store, 's');
      const batch = Array.from({ length: 8 }, (_, i) => ({ id: `b${i}`, type: 'Chunk', data: 'z'.repeat(600) }));
      const io = counter.io;
      const error = await ctx.assert.rejects(store.append('s', 1, batch), LimitExceededError, {
        limit: 'maxCommitBytes',
        max: 4096,
        code: 'LIMIT_EXCEEDED',
        field: 'events',
      });
      ctx.assert.ok(
        error.value > 4096 && error.value < 4096 + 1024,
        `the size counted up to the crossing event (${error.value})`,
      );
      ctx.assert.ok(error.message.includes('maxCommitBytes'), 'the message names the limit');
      ctx.assert.equal(counter.io, io, 'refused before any storage call');
      ctx.assert.deepEqual(await snapshot(store, 's'), before, 'nothing written');
      // One event alone over a 1-byte limit measures one event; the batch's events all measure the same.
      const tiny = await ctx.createStore({ limits: { maxCommitBytes: 1, maxEventBytes: 1024 } });
      const one = await ctx.assert.rejects(tiny.append('s', 'no-stream', batch.slice(0, 1)), LimitExceededError);
      const crossing = batch.slice(0, Math.floor(4096 / one.value) + 1);
      ctx.assert.equal(error.value, crossing.length * one.value, 'the size counts the events up to the one that crossed');
      // Exactly that much commits, a byte less does not.
      const exact = await ctx.createStore({ limits: { maxCommitBytes: error.value, maxEventBytes: 1024 } });
      ctx.assert.equal((await exact.append('s', 'no-stream', crossing)).revision, crossing.length, 'exactly the limit commits');
      const under = await ctx.createStore({ limits: { maxCommitBytes: error.value - 1, maxEventBytes: 1024 } });
      await ctx.assert.rejects(under.append('t', 'no-stream', crossing), LimitExceededError, {
        limit: 'maxCommitBytes',
        value: error.value,
      });
    },
  ),

  scenario(
    'large-commit',
    `a commit of ${LARGE_COMMIT_EVENTS} events (or the backend's hard count limit) works with the default limits and reads back in pages`,
    async (ctx) => {
      const count = Math.min(LARGE_COMMIT_EVENTS, ctx.capabilities.maxEventsPerCommit ?? LARGE_COMMIT_EVENTS);
      const store = await ctx.createStore();
      const events = testEvents(count, 'large');
      ctx.assert.equal((await store.append('big', 'no-stream', events)).revision, count);
      const forward = await collect(store.read('big', { pageSize: 700 }));
      ctx.assert.deepEqual(
        forward.map((event) => `${event.revision}:${event.id}`),
        events.map((event, i) => `${i + 1}:${event.id}`),
        'every event, in order, across pages',
      );
      if (ctx.capabilities.backwardRead) {
        const backward = await collect(store.read('big', { direction: 'backward', maxCount: 1234 }));
        ctx.assert.deepEqual(
          backward.map((event) => event.revision),
          Array.from({ length: Math.min(1234, count) }, (_, i) => count - i),
        );
      }
      if (ctx.capabilities.globalOrder) {
        ctx.assert.equal((await collect(store.readAll({ pageSize: 999 }))).length, count, 'the global log holds them all');
      }
    },
  ),

  scenario(
    'backend-max-commit-bytes',
    "the store never allows a commit larger than the backend's own maxCommitBytes; configuring more is refused",
    async (ctx) => {
      const max = ctx.capabilities.maxCommitBytes as number;
      const store = await ctx.createStore();
      ctx.assert.ok(store.limits.maxCommitBytes <= max, 'the default fits the backend');
      const error = await ctx.assert.rejects(ctx.createStore({ limits: { maxCommitBytes: max + 1 } }), ValidationError);
      ctx.assert.equal(error.field, 'limits.maxCommitBytes');
      const fits = await ctx.createStore({ limits: { maxCommitBytes: max } });
      ctx.assert.equal(fits.limits.maxCommitBytes, max, 'exactly the backend limit is accepted');
    },
    ['maxCommitBytes'],
  ),

  scenario(
    'max-events-per-commit',
    'more events than maxEventsPerCommit is a LimitExceededError naming it; nothing is written',
    async (ctx) => {
      const max = Math.min(3, ctx.capabilities.maxEventsPerCommit ?? 3);
      const store = await ctx.createStore({ limits: { maxEventsPerCommit: max } });
      await store.append('s', 'no-stream', testEvents(1, 'a'));
      const before = await snapshot(store, 's');
      const error = await ctx.assert.rejects(store.append('s', 1, testEvents(max + 1, 'b')), LimitExceededError, {
        limit: 'maxEventsPerCommit',
        max,
        value: max + 1,
        code: 'LIMIT_EXCEEDED',
      });
      ctx.assert.ok(error.message.includes('maxEventsPerCommit'), 'the message names the limit');
      ctx.assert.deepEqual(await snapshot(store, 's'), before);
      ctx.assert.equal((await store.append('s', 1, testEvents(max, 'c'))).revision, 1 + max, 'exactly the limit is fine');
    },
  ),

  scenario(
    'max-event-bytes',
    'an event larger than maxEventBytes is a LimitExceededError naming it; nothing of the batch is written',
    async (ctx) => {
      const store = await ctx.createStore({ limits: { maxEventBytes: 200 } });
      await store.append('s', 'no-stream', testEvents(1, 'a'));
      const before = await snapshot(store, 's');
      const batch = [...testEvents(2, 'ok'), { id: 'big', type: 'Big', data: { text: 'x'.repeat(300) } }];
      const error = await ctx.assert.rejects(store.append('s', 'any', batch), LimitExceededError, {
        limit: 'maxEventBytes',
        max: 200,
        field: 'events[2]',
      });
      ctx.assert.ok(error.value > 200);
      // Multi-byte characters count as bytes, not characters: 80 × '€' is 240 bytes.
      await ctx.assert.rejects(store.append('s', 'any', [{ id: 'euro', type: 'T', data: '€'.repeat(80) }]), LimitExceededError, {
        limit: 'maxEventBytes',
      });
      // Metadata counts too.
      await ctx.assert.rejects(
        store.append('s', 'any', [{ id: 'meta', type: 'T', data: 1, metadata: { note: 'm'.repeat(250) } }]),
        LimitExceededError,
        { limit: 'maxEventBytes' },
      );
      ctx.assert.deepEqual(await snapshot(store, 's'), before);
      await store.append('s', 1, [{ id: 'fits', type: 'T', data: 'y'.repeat(150) }]);
    },
  ),

  scenario(
    'backend-max-events',
    "a batch of exactly the backend's own maxEventsPerCommit commits atomically",
    async (ctx) => {
      const max = ctx.capabilities.maxEventsPerCommit as number;
      const store = await ctx.createStore();
      ctx.assert.equal(store.limits.maxEventsPerCommit, max, 'the store takes the backend limit as its own');
      const error = await ctx.assert.rejects(ctx.createStore({ limits: { maxEventsPerCommit: max + 1 } }), ValidationError);
      ctx.assert.equal(error.field, 'limits.maxEventsPerCommit', 'configuring more than the backend can commit is refused');
      const count = Math.min(max, 1000);
      ctx.assert.equal((await store.append('s', 'no-stream', testEvents(count))).revision, count);
    },
    ['maxEventsPerCommit'],
  ),
];
