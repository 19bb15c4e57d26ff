import { CheckpointConflictError } from '@streamstore/core';
import type { ConsumerStateScenario } from '../scenario.js';
import { consumerStateGroup, ticks } from './define.js';

const scenario = consumerStateGroup('checkpoints');

/** Scenarios of a backend's `CheckpointStore`: compare-and-set across instances, listing, resuming. */
export const checkpointScenarios: ConsumerStateScenario[] = [
  scenario('unset', 'a consumer that never saved has no checkpoint, and none is listed', async (ctx) => {
    const { checkpoints } = await ctx.instance();
    ctx.assert.equal(await checkpoints.load('totals'), undefined);
    if (checkpoints.list) ctx.assert.deepEqual(await checkpoints.list(), []);
  }),

  scenario(
    'compare-and-set',
    'saves with compare-and-set: a second instance expecting a stale value gets CheckpointConflictError with the actual one',
    async (ctx) => {
      const mine = (await ctx.instance()).checkpoints;
      const theirs = (await ctx.instance()).checkpoints;
      await mine.save('totals', undefined, '5');
      await ctx.assert.rejects(theirs.save('totals', undefined, '7'), CheckpointConflictError, {
        consumer: 'totals',
        expected: undefined,
        actual: '5',
      });
      await theirs.save('totals', '5', '9');
      await ctx.assert.rejects(mine.save('totals', '5', '6'), CheckpointConflictError, { expected: '5', actual: '9' });
      ctx.assert.equal(await mine.load('totals'), '9');
      ctx.assert.equal(await theirs.load('totals'), '9');
    },
  ),

  scenario('per-consumer', "consumers' checkpoints are apart; list returns each with its time of update", async (ctx) => {
    const { checkpoints } = await ctx.instance();
    const before = Date.now();
    await checkpoints.save('b-consumer', undefined, '3');
    await checkpoints.save('a-consumer', undefined, '1');
    await checkpoints.save('a-consumer', '1', '2');
    ctx.assert.equal(await checkpoints.load('a-consumer'), '2');
    ctx.assert.equal(await checkpoints.load('b-consumer'), '3');
    if (!checkpoints.list) return;
    const listed = await checkpoints.list();
    const sorted = [...listed].sort((x, y) => x.consumer.localeCompare(y.consumer));
    ctx.assert.deepEqual(
      sorted.map(({ consumer, checkpoint }) => ({ consumer, checkpoint })),
      [
        { consumer: 'a-consumer', checkpoint: '2' },
        { consumer: 'b-consumer', checkpoint: '3' },
      ],
    );
    for (const entry of listed) {
      ctx.assert.ok(entry.updatedAt instanceof Date, 'updatedAt is a Date');
      // Seconds of slack: a database server's clock may differ a little from this process's.
      ctx.assert.ok(entry.updatedAt.getTime() >= before - 5_000, `updatedAt ${entry.updatedAt.toISOString()} is recent`);
    }
  }),

  scenario(
    'resume',
    'a subscription resumes after the checkpoint another instance of its consumer saved, never before it',
    async (ctx) => {
      const first = await ctx.instance();
      await first.store.append('order-1', 'no-stream', ticks('e1', 'e2', 'e3'));
      const seenFirst: string[] = [];
      const one = first.store.subscribe({
        to: 'all',
        consumer: 'resumer',
        checkpoints: first.checkpoints,
        handler: (event) => void seenFirst.push(event.id),
      });
      await one.caughtUp;
      await one.stop();
      ctx.assert.deepEqual(seenFirst, ['e1', 'e2', 'e3']);

      const second = await ctx.instance();
      await second.store.append('order-1', 3, ticks('e4', 'e5'));
      const seenSecond: string[] = [];
      const two = second.store.subscribe({
        to: 'all',
        consumer: 'resumer',
        checkpoints: second.checkpoints,
        handler: (event) => void seenSecond.push(event.id),
      });
      await two.caughtUp;
      await two.stop();
      ctx.assert.deepEqual(seenSecond, ['e4', 'e5']);
    },
  ),
];
