import { StreamConcurrencyError, StreamLockedError, type StreamStore } from '@streamstore/core';
import type { ScenarioContext } from '../scenario.js';
import { collect, nextTick, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('races');

const WRITERS = 20;
const EVENTS_PER_WRITER = 5;

/** Runs `attempt` again while the backend reports its lock as held (lock-based backends). */
async function unlessLocked<T>(attempt: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StreamLockedError)) throw error;
      await nextTick();
    }
  }
}

/**
 * WRITERS writers append one event at a time to one stream, each with the exact revision it last saw, retrying
 * with the conflict's `actual` until each has written EVENTS_PER_WRITER events.
 */
async function raceOnOneStream(ctx: ScenarioContext, stores: StreamStore[]) {
  const violations: string[] = [];
  let conflicts = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      const store = stores[writer % stores.length] as StreamStore;
      let expected = 0;
      let written = 0;
      while (written < EVENTS_PER_WRITER) {
        const n = written + 1;
        try {
          const result = await store.append('race', expected, [{ id: `w${writer}-${n}`, type: 'Raced', data: { writer, n } }]);
          if (result.revision !== expected + 1)
            violations.push(`writer ${writer} got revision ${result.revision} at ${expected}`);
          expected = result.revision;
          written++;
        } catch (error) {
          if (error instanceof StreamConcurrencyError) {
            conflicts++;
            // A conflict must report where the stream really is: past the revision it rejected.
            if (!(error.actual > expected)) violations.push(`conflict at expected ${expected} reported actual ${error.actual}`);
            expected = error.actual;
          } else if (!(error instanceof StreamLockedError)) {
            throw error;
          }
        }
        await nextTick();
      }
    }),
  );
  ctx.assert.deepEqual(violations, []);
  const events = await collect(stores[0]!.read('race'));
  const total = WRITERS * EVENTS_PER_WRITER;
  ctx.assert.deepEqual(
    events.map((event) => event.revision),
    Array.from({ length: total }, (_, i) => i + 1),
    'exactly one event per revision, no gaps',
  );
  ctx.assert.equal(new Set(events.map((event) => event.id)).size, total, 'no event twice');
  for (let writer = 0; writer < WRITERS; writer++) {
    const own = events.filter((event) => (event.data as { writer: number }).writer === writer);
    ctx.assert.deepEqual(
      own.map((event) => (event.data as { n: number }).n),
      Array.from({ length: EVENTS_PER_WRITER }, (_, i) => i + 1),
      `writer ${writer}: every event once, in order`,
    );
  }
  ctx.assert.equal((await stores[0]!.getStream('race'))?.revision, total);
  return conflicts;
}

/** Concurrent writers: one winner per revision, nothing lost, nothing doubled. */
export const raceScenarios = [
  scenario('one-stream', `${WRITERS} writers on one stream: one winner per revision, no gaps, no duplicates`, async (ctx) => {
    const store = await ctx.createStore();
    await raceOnOneStream(ctx, [store]);
  }),

  scenario(
    'one-stream-two-connections',
    `${WRITERS} writers on one stream, half of them through another connection`,
    async (ctx) => {
      const store = await ctx.createStore();
      await raceOnOneStream(ctx, [store, await ctx.reopen(store)]);
    },
    ['reopen'],
  ),

  scenario('many-streams', '20 writers on 20 streams in parallel all succeed and keep their own order', async (ctx) => {
    const store = await ctx.createStore();
    await Promise.all(
      Array.from({ length: 20 }, async (_, writer) => {
        for (let commit = 0; commit < 5; commit++) {
          const result = await unlessLocked(() =>
            store.append(`stream-${writer}`, commit * 2, testEvents(2, `w${writer}`, commit * 2 + 1)),
          );
          ctx.assert.equal(result.revision, commit * 2 + 2);
          await nextTick();
        }
      }),
    );
    for (let writer = 0; writer < 20; writer++) {
      const events = await collect(store.read(`stream-${writer}`));
      ctx.assert.deepEqual(
        events.map((event) => event.id),
        testEvents(10, `w${writer}`).map((event) => event.id),
      );
    }
  }),

  scenario('create-once', "10 concurrent 'no-stream' creators: exactly one wins, the others see a conflict", async (ctx) => {
    const store = await ctx.createStore();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, writer) =>
        unlessLocked(() => store.append('created', 'no-stream', testEvents(2, `c${writer}`))).then(
          () => 'won',
          (error: unknown) => {
            if (error instanceof StreamConcurrencyError && error.actual >= 2) return 'conflict';
            throw error;
          },
        ),
      ),
    );
    ctx.assert.equal(outcomes.filter((outcome) => outcome === 'won').length, 1, 'one winner');
    ctx.assert.equal((await collect(store.read('created'))).length, 2);
  }),

  scenario(
    'concurrent-retries',
    'the same batch sent 10 times at once is written once; every sender gets the same result',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(1, 'first'));
      const results = await Promise.all(
        Array.from({ length: 10 }, () => unlessLocked(() => store.append('s', 1, testEvents(3, 'retried')))),
      );
      ctx.assert.equal(new Set(results.map((result) => JSON.stringify(result))).size, 1, 'one result for all');
      ctx.assert.equal(results[0]?.revision, 4);
      ctx.assert.equal((await collect(store.read('s'))).length, 4);
    },
  ),
];
