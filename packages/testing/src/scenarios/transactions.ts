import { DuplicateEventError, StreamConcurrencyError, type StreamStore } from '@streamstore/core';
import { collect, nextTick, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('transactions');

class RollbackOnPurpose extends Error {}

/** What the store shows of `streamIds` from outside any transaction: revision per stream and the log's event ids. */
async function visible(store: StreamStore, streamIds: readonly string[]) {
  const revisions = await Promise.all(streamIds.map(async (id) => (await store.getStream(id))?.revision ?? 0));
  const events = (await Promise.all(streamIds.map((id) => collect(store.read(id))))).flat().map((e) => e.id);
  const log = store.capabilities.globalOrder ? (await collect(store.readAll())).map((e) => e.id) : [];
  return { revisions, events, log };
}

/**
 * `store.transaction`: commits on several streams become visible together when the callback resolves; a throw, an
 * uncaught conflict or an abort leaves nothing behind, not even in the global log; a conflict or duplicate the callback
 * catches leaves the transaction usable.
 */
export const transactionScenarios = [
  scenario(
    'commit-together',
    'commits on three streams inside a transaction are invisible until it resolves, then all visible, in the log too',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('t-a', 'no-stream', testEvents(1, 'a0'));
      const result = await store.transaction(async (tx) => {
        const a = await tx.beginWrite('t-a', 1).appendRange(testEvents(2, 'a')).commit();
        const b = await tx.append('t-b', 'no-stream', testEvents(1, 'b'));
        const c = await tx.beginWrite('t-c').append(testEvents(1, 'c')[0]!).commit();
        ctx.assert.deepEqual([a.revision, b.revision, c.revision], [3, 1, 1], 'each commit inside returns its revision');
        ctx.assert.deepEqual(
          await visible(store, ['t-a', 't-b', 't-c']),
          { revisions: [1, 0, 0], events: ['a0-1'], log: store.capabilities.globalOrder ? ['a0-1'] : [] },
          'nothing of the open transaction is visible outside it',
        );
        return 'done';
      });
      ctx.assert.equal(result, 'done', 'the transaction resolves with the callback value');
      const after = await visible(store, ['t-a', 't-b', 't-c']);
      ctx.assert.deepEqual(after.revisions, [3, 1, 1], 'every commit is visible after the transaction');
      ctx.assert.deepEqual(after.events, ['a0-1', 'a-1', 'a-2', 'b-1', 'c-1']);
      if (store.capabilities.globalOrder) {
        ctx.assert.deepEqual(after.log, ['a0-1', 'a-1', 'a-2', 'b-1', 'c-1'], 'the log holds them in commit order');
      }
    },
    ['transactions'],
  ),
  scenario(
    'rollback-on-throw',
    'a throw after commits on two streams rolls both back: no head, no event, nothing in the log; the streams start afresh',
    async (ctx) => {
      const store = await ctx.createStore();
      await ctx.assert.rejects(
        store.transaction(async (tx) => {
          await tx.append('r-a', 'no-stream', testEvents(2, 'ra'));
          await tx.append('r-b', 'no-stream', testEvents(1, 'rb'));
          throw new RollbackOnPurpose('on purpose');
        }),
        RollbackOnPurpose,
      );
      ctx.assert.deepEqual(await visible(store, ['r-a', 'r-b']), { revisions: [0, 0], events: [], log: [] });
      ctx.assert.equal(await store.getStream('r-a'), null, 'no head is left behind');
      const again = await store.append('r-a', 'no-stream', testEvents(1, 'again'));
      ctx.assert.equal(again.revision, 1, "a later 'no-stream' append starts at revision 1");
    },
    ['transactions'],
  ),
  scenario(
    'uncaught-conflict',
    'a conflict the callback does not catch rejects the transaction with it and rolls back its earlier commits',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('u-b', 'no-stream', testEvents(2, 'ub'));
      await ctx.assert.rejects(
        store.transaction(async (tx) => {
          await tx.append('u-a', 'no-stream', testEvents(1, 'ua'));
          await tx.append('u-b', 1, testEvents(1, 'ub', 3));
        }),
        StreamConcurrencyError,
        { streamId: 'u-b', expected: 1, actual: 2 },
      );
      ctx.assert.deepEqual((await visible(store, ['u-a', 'u-b'])).revisions, [0, 2], 'nothing of the transaction');
    },
    ['transactions'],
  ),
  scenario(
    'caught-errors',
    'a conflict and a duplicate id caught inside leave the transaction usable; its other commits all land',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('c-x', 'no-stream', testEvents(2, 'cx'));
      await store.transaction(async (tx) => {
        await tx.append('c-a', 'no-stream', testEvents(1, 'ca'));
        await ctx.assert.rejects(tx.append('c-x', 5, testEvents(1, 'cx', 9)), StreamConcurrencyError, { actual: 2 });
        await ctx.assert.rejects(
          tx.append('c-x', 'any', [...testEvents(1, 'new'), ...testEvents(1, 'cx')]),
          DuplicateEventError,
          { streamId: 'c-x', eventIds: ['cx-1'] },
        );
        await tx.append('c-x', 2, testEvents(1, 'cx', 3));
        await tx.append('c-a', 1, testEvents(1, 'ca', 2));
      });
      const after = await visible(store, ['c-a', 'c-x']);
      ctx.assert.deepEqual(after.revisions, [2, 3]);
      ctx.assert.deepEqual(after.events, ['ca-1', 'ca-2', 'cx-1', 'cx-2', 'cx-3'], 'nothing of the refused commits');
    },
    ['transactions'],
  ),
  scenario(
    'abort',
    'aborting the signal of an open transaction rejects with AbortError and rolls back what it committed',
    async (ctx) => {
      const store = await ctx.createStore();
      const controller = new AbortController();
      await ctx.assert.rejectsAbort(
        store.transaction(
          async (tx) => {
            await tx.append('ab-a', 'no-stream', testEvents(2, 'ab'));
            controller.abort();
            await nextTick();
            // The transaction refuses work once aborted.
            await tx.append('ab-b', 'no-stream', testEvents(1, 'ab2')).catch(() => {});
          },
          { signal: controller.signal },
        ),
      );
      ctx.assert.deepEqual(await visible(store, ['ab-a', 'ab-b']), { revisions: [0, 0], events: [], log: [] });
      const already = new AbortController();
      already.abort();
      let ran = false;
      await ctx.assert.rejectsAbort(
        store.transaction(
          async () => {
            ran = true;
          },
          { signal: already.signal },
        ),
      );
      ctx.assert.equal(ran, false, 'an already aborted signal never runs the callback');
    },
    ['transactions'],
  ),
  scenario(
    'reads-own-writes',
    'reads through the transaction see its own uncommitted events; the transaction object refuses use after its end',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('o-a', 'no-stream', testEvents(1, 'oa'));
      let kept: { getStream(id: string): Promise<unknown> } | undefined;
      await store.transaction(async (tx) => {
        kept = tx;
        await tx.append('o-a', 1, testEvents(2, 'oa', 2));
        ctx.assert.equal((await tx.getStream('o-a'))?.revision, 3, 'the head as the transaction sees it');
        ctx.assert.deepEqual(
          (await collect(tx.read('o-a'))).map((e) => e.id),
          ['oa-1', 'oa-2', 'oa-3'],
        );
        ctx.assert.deepEqual(
          (await collect(tx.read('o-a', { direction: 'backward', maxCount: 2 }))).map((e) => e.revision),
          [3, 2],
        );
        ctx.assert.equal((await store.getStream('o-a'))?.revision, 1, 'outside, the committed head only');
      });
      const error = await kept?.getStream('o-a').then(
        () => undefined,
        (e: unknown) => e,
      );
      ctx.assert.equal((error as { code?: string } | undefined)?.code, 'CLOSED', 'a transaction object is dead after its end');
    },
    ['transactions'],
  ),
  scenario(
    'concurrent-shared-streams',
    '8 concurrent transactions appending twice to a shared stream and once to their own all commit whole: contiguous revisions, each transaction adjacent',
    async (ctx) => {
      const store = await ctx.createStore();
      const runs = Array.from({ length: 8 }, (_, i) =>
        store.transaction(async (tx) => {
          const first = await tx.append('shared', 'any', testEvents(2, `s${i}a`));
          await nextTick();
          const second = await tx.append('shared', 'any', testEvents(1, `s${i}b`));
          await tx.append(`own-${i}`, 'no-stream', testEvents(1, `o${i}`));
          return [first.revision, second.revision];
        }),
      );
      const results = await Promise.all(runs);
      const shared = await collect(store.read('shared'));
      ctx.assert.deepEqual(
        shared.map((e) => e.revision),
        Array.from({ length: 24 }, (_, i) => i + 1),
        'contiguous revisions',
      );
      results.forEach(([first, second], i) => {
        ctx.assert.equal(second, (first as number) + 1, `transaction ${i}: its second commit right after its first`);
        ctx.assert.deepEqual(
          shared.slice((first as number) - 2, second).map((e) => e.id),
          [`s${i}a-1`, `s${i}a-2`, `s${i}b-1`],
        );
      });
      for (let i = 0; i < 8; i++) ctx.assert.equal((await store.getStream(`own-${i}`))?.revision, 1);
      if (!store.capabilities.globalOrder) return;
      const log = await collect(store.readAll());
      ctx.assert.equal(log.length, 32, 'every event once in the log');
      const last = new Map<string, number>();
      for (const event of log) {
        ctx.assert.equal(event.revision, (last.get(event.streamId) ?? 0) + 1, 'per-stream revision order in the log');
        last.set(event.streamId, event.revision);
      }
    },
    ['transactions'],
  ),
  scenario(
    'idempotent-retry',
    'running a committed transaction again with the same event ids returns the original results and writes nothing',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('i-a', 'no-stream', testEvents(1, 'ia0'));
      const work = () =>
        store.transaction(async (tx) => {
          const a = await tx.append('i-a', 1, testEvents(2, 'ia'));
          const b = await tx.append('i-b', 'no-stream', testEvents(1, 'ib'));
          const c = await tx.append('i-c', 'any', testEvents(2, 'ic'));
          const many = await tx.appendMany([{ stream: 'i-d', events: testEvents(1, 'id') }]);
          return [a, b, c, ...many];
        });
      const first = await work();
      const before = await visible(store, ['i-a', 'i-b', 'i-c', 'i-d']);
      const second = await work();
      ctx.assert.deepEqual(second, first, 'the retry returns the original results');
      ctx.assert.deepEqual(await visible(store, ['i-a', 'i-b', 'i-c', 'i-d']), before, 'and writes nothing');
    },
    ['transactions'],
  ),
];
