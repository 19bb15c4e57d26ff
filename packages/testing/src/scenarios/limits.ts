import { LimitExceededError } from '@streamstore/core';
import { snapshot, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('limits');

/** Configured limits: checked before I/O, reported with a typed error naming the limit. */
export const limitScenarios = [
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
      ctx.assert.ok(store.limits.maxEventsPerCommit <= max, 'the store never allows more than the backend can commit');
      const count = Math.min(max, 1000);
      ctx.assert.equal((await store.append('s', 'no-stream', testEvents(count))).revision, count);
    },
    ['maxEventsPerCommit'],
  ),
];
