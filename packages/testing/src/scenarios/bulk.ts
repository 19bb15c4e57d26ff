import { collect, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('bulk');

const STREAMS = 100;
const EVENTS = 100;
const BATCH = 25;
const PARALLEL = 10;

/** Runs `task` for 0..count-1 with at most `parallel` in flight. */
async function forEachLimited(count: number, parallel: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** A data set of realistic size, written and read back. */
export const bulkScenarios = [
  scenario(
    'hundred-by-hundred',
    `${STREAMS} streams × ${EVENTS} events are written, then each stream reads back exactly`,
    async (ctx) => {
      const store = await ctx.createStore({ pageSize: 40 });
      await forEachLimited(STREAMS, PARALLEL, async (s) => {
        for (let first = 1; first <= EVENTS; first += BATCH) {
          await store.append(`bulk-${s}`, first - 1, testEvents(BATCH, `s${s}`, first));
        }
      });
      await forEachLimited(STREAMS, PARALLEL, async (s) => {
        const events = await collect(store.read(`bulk-${s}`));
        ctx.assert.equal(events.length, EVENTS, `stream bulk-${s}`);
        for (const [i, event] of events.entries()) {
          if (event.revision !== i + 1 || event.id !== `s${s}-${i + 1}` || (event.data as { n: number }).n !== i + 1) {
            ctx.assert.fail(`stream bulk-${s}: event ${i + 1} is ${event.id} at revision ${event.revision}`);
          }
        }
        ctx.assert.equal((await store.getStream(`bulk-${s}`))?.revision, EVENTS);
      });
      if (store.capabilities.globalOrder) {
        let count = 0;
        for await (const _ of store.readAll({ pageSize: 1000 })) count++;
        ctx.assert.equal(count, STREAMS * EVENTS, 'the global log holds every event');
      }
    },
  ),
];
