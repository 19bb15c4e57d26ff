import type { RecordedEvent } from '@streamstore/core';
import type { ConsumerStateScenario } from '../scenario.js';
import { consumerStateGroup, ticks } from './define.js';

const scenario = consumerStateGroup('dead-letters');

/** A recorded event for direct calls of `park`. */
function recorded(id: string, revision: number, position: string | undefined): RecordedEvent {
  const at = new Date();
  return {
    id,
    type: 'Tick',
    data: { id },
    metadata: {},
    streamId: 'order-9',
    revision,
    ...(position === undefined ? {} : { position }),
    recordedAt: at,
    timestamp: at,
  } as RecordedEvent;
}

/** Scenarios of a backend's `DeadLetterStore`: what a parked event records, per consumer and oldest first. */
export const deadLetterScenarios: ConsumerStateScenario[] = [
  scenario(
    'subscription',
    'a subscription parks failing events with their error and attempts; another instance lists them per consumer',
    async (ctx) => {
      const a = await ctx.instance();
      await a.store.append('order-1', 'no-stream', ticks('ok-1', 'bad-1', 'ok-2', 'bad-2'));
      const positions = new Map<string, string | undefined>();
      for await (const event of a.store.read('order-1')) positions.set(event.id, event.position);
      const subscription = a.store.subscribe({
        to: 'all',
        consumer: 'fragile',
        deadLetters: a.deadLetters,
        onError: { attempts: 2, backoffMs: 1, afterRetries: 'dead-letter' },
        handler: (event) => {
          if (event.id.startsWith('bad')) throw new TypeError(`cannot handle ${event.id}`);
        },
      });
      await subscription.caughtUp;
      await subscription.stop();
      const letters = (await ctx.instance()).deadLetters;
      const parked = await letters.list('fragile');
      ctx.assert.deepEqual(
        parked.map(({ failedAt, ...letter }) => letter),
        [
          { revision: 2, id: 'bad-1' },
          { revision: 4, id: 'bad-2' },
        ].map(({ revision, id }) => ({
          consumer: 'fragile',
          streamId: 'order-1',
          revision,
          ...(positions.get(id) === undefined ? {} : { position: positions.get(id) }),
          eventId: id,
          type: 'Tick',
          error: `TypeError: cannot handle ${id}`,
          attempts: 2,
        })),
      );
      ctx.assert.ok(
        parked.every((letter) => letter.failedAt instanceof Date),
        'failedAt is a Date',
      );
      ctx.assert.deepEqual(await letters.list('someone-else'), []);
      ctx.assert.equal((await letters.list()).length, 2);
    },
  ),

  scenario(
    'park',
    'park records any thrown value (an Error as name: message), oldest first across consumers, with or without a position',
    async (ctx) => {
      const { store, deadLetters } = await ctx.instance();
      // A real position of this backend, so a store that keeps positions in a typed column accepts it.
      const { position } = await store.append('order-0', 'no-stream', ticks('real'));
      await deadLetters.park('one', recorded('x-1', 1, position), new RangeError('out of range'), 3);
      await deadLetters.park('two', recorded('x-2', 2, undefined), 'a plain string', 1);
      await deadLetters.park('one', recorded('x-3', 3, position), { code: 42 }, 5);
      const all = await deadLetters.list();
      ctx.assert.deepEqual(
        all.map(({ consumer, eventId, error, attempts }) => ({ consumer, eventId, error, attempts })),
        [
          { consumer: 'one', eventId: 'x-1', error: 'RangeError: out of range', attempts: 3 },
          { consumer: 'two', eventId: 'x-2', error: 'a plain string', attempts: 1 },
          { consumer: 'one', eventId: 'x-3', error: '[object Object]', attempts: 5 },
        ],
      );
      ctx.assert.equal(all[0]?.position, position);
      ctx.assert.equal('position' in (all[1] ?? {}), false, 'a letter without a position has no position property');
      ctx.assert.deepEqual(
        (await deadLetters.list('one')).map((letter) => letter.eventId),
        ['x-1', 'x-3'],
      );
    },
  ),
];
