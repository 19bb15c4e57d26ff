import { ConsumerLockedError } from '@streamstore/core';
import type { ConsumerStateScenario } from '../scenario.js';
import { consumerStateGroup, pause } from './define.js';

const scenario = consumerStateGroup('locks');

/** Scenarios of a backend's `ConsumerLock`: one instance of a consumer at a time, waits, cancellation, crashes. */
export const lockScenarios: ConsumerStateScenario[] = [
  scenario(
    'exclusive',
    'excludes a second instance of a consumer (not of another); a waiting one gets the lock on release',
    async (ctx) => {
      const lockA = (await ctx.instance()).lock;
      const lockB = (await ctx.instance()).lock;
      const release = await lockA.acquire('totals', { wait: false });
      await ctx.assert.rejects(lockB.acquire('totals', { wait: false }), ConsumerLockedError, { consumer: 'totals' });
      const other = await lockB.acquire('another', { wait: false });
      let granted = false;
      const waiting = lockB.acquire('totals', { wait: true }).then((releaseB) => {
        granted = true;
        return releaseB;
      });
      await pause(150);
      ctx.assert.equal(granted, false, 'the waiting instance got the lock before its release');
      await release();
      const releaseB = await waiting;
      await ctx.assert.rejects(lockA.acquire('totals', { wait: false }), ConsumerLockedError);
      await releaseB();
      await other();
      // Free again: the first instance takes it back at once.
      await (await lockA.acquire('totals', { wait: false }))();
    },
  ),

  scenario('held', 'a lock held for a while (longer than a short lease) keeps excluding others', async (ctx) => {
    const lockA = (await ctx.instance()).lock;
    const lockB = (await ctx.instance()).lock;
    const release = await lockA.acquire('totals', { wait: false });
    await pause(700);
    await ctx.assert.rejects(lockB.acquire('totals', { wait: false }), ConsumerLockedError);
    await release();
  }),

  scenario('subscriptions', 'a second subscription of a running consumer fails with ConsumerLockedError', async (ctx) => {
    const a = await ctx.instance();
    const b = await ctx.instance();
    const one = a.store.subscribe({ to: 'all', consumer: 'proj', lock: a.lock, handler: () => {} });
    await one.caughtUp;
    const two = b.store.subscribe({ to: 'all', consumer: 'proj', lock: b.lock, handler: () => {} });
    await ctx.assert.rejects(two.done, ConsumerLockedError, { consumer: 'proj' });
    await one.stop();
    // Stopped, the first instance no longer holds the consumer's lock.
    await (await b.lock.acquire('proj', { wait: false }))();
  }),

  scenario('cancel-wait', 'a wait for the lock ends with an AbortError when its signal fires', async (ctx) => {
    const lockA = (await ctx.instance()).lock;
    const lockB = (await ctx.instance()).lock;
    const release = await lockA.acquire('c', { wait: false });
    const controller = new AbortController();
    const waiting = lockB.acquire('c', { wait: true, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await ctx.assert.rejectsAbort(waiting);
    await release();
    // The cancelled wait left nothing held behind.
    await (await lockB.acquire('c', { wait: false }))();
  }),

  scenario(
    'crashed-holder',
    "a crashed holder's lock goes to a waiting instance; the crashed one's late release changes nothing",
    async (ctx) => {
      const a = await ctx.instance();
      const b = await ctx.instance();
      const releaseA = await a.lock.acquire('c', { wait: false });
      const waiting = b.lock.acquire('c', { wait: true });
      await ctx.crash(a, 'c');
      const releaseB = await waiting;
      await releaseA();
      const c = await ctx.instance();
      await ctx.assert.rejects(c.lock.acquire('c', { wait: false }), ConsumerLockedError);
      await releaseB();
    },
    ['crash'],
  ),
];
