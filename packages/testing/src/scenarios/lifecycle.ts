import { StoreClosedError, StreamConcurrencyError } from '@streamstore/core';
import { collect, snapshot, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('lifecycle');

/** Provisioning, closing and reopening. */
export const lifecycleScenarios = [
  scenario('closed-store', 'every call on a closed store throws StoreClosedError; close is idempotent', async (ctx) => {
    const store = await ctx.createStore();
    await store.append('s', 'no-stream', testEvents(1));
    await store.close();
    await store.close();
    ctx.assert.ok(store.isClosed);
    const calls: Array<[string, () => unknown]> = [
      ['append', () => store.append('s', 'any', testEvents(1, 'late'))],
      ['commit', () => store.beginWrite('s').append(testEvents(1, 'late')[0]!).commit()],
      ['read', () => collect(store.read('s'))],
      ['readAll', () => collect(store.readAll())],
      ['getStream', () => store.getStream('s')],
      ['deleteStream', () => store.deleteStream('s')],
      ['listStreams', () => collect(store.listStreams())],
      ['provision', () => store.provision()],
    ];
    for (const [name, call] of calls) {
      const error = await ctx.assert.rejects(call, StoreClosedError, { code: 'CLOSED' });
      ctx.assert.equal(error.name, 'StoreClosedError', name);
    }
  }),

  scenario('provision-idempotent', 'provisioning again keeps the data', async (ctx) => {
    const store = await ctx.createStore();
    await store.append('s', 'no-stream', testEvents(3));
    const before = await snapshot(store, 's');
    await store.provision();
    await store.provision();
    ctx.assert.deepEqual(await snapshot(store, 's'), before);
  }),

  scenario(
    'reopen',
    'another connection over the same data sees every commit and enforces the same revisions',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(2, 'a'));
      const other = await ctx.reopen(store);
      ctx.assert.deepEqual(await snapshot(other, 's'), await snapshot(store, 's'));
      await other.append('s', 2, testEvents(1, 'b'));
      await ctx.assert.rejects(store.append('s', 2, testEvents(1, 'c')), StreamConcurrencyError, { actual: 3 });
      // The commit made through the other connection is recognised as an idempotent retry here.
      const retried = await store.append('s', 2, testEvents(1, 'b'));
      ctx.assert.equal(retried.revision, 3);
      ctx.assert.equal(retried.position, (await collect(other.read('s'))).at(-1)?.position);
      await other.deleteStream('s');
      ctx.assert.equal(await store.getStream('s'), null);
    },
    ['reopen'],
  ),
];
