import { NotSupportedError } from '@streamstore/core';
import type { StreamStorage } from '@streamstore/core/storage';
import { present } from '../support/assertions.js';
import { collect, testEvents } from '../support/events.js';
import { withCapabilities } from '../support/storage-wrappers.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('capabilities');

const FLAGS = ['globalOrder', 'backwardRead', 'listStreams', 'optimisticConcurrency', 'locking'] as const;

/** Declared capabilities: well-formed, consistent with the SPI methods, and enforced by the API. */
export const capabilityScenarios = [
  scenario('declared', 'capability flags are booleans, consistent with the methods the storage implements', async (ctx) => {
    let storage: StreamStorage | undefined;
    const store = await ctx.createStore({
      wrapStorage: (wrapped) => {
        storage = wrapped;
        return wrapped;
      },
    });
    const inner = present(storage, 'the storage');
    const capabilities = inner.capabilities;
    for (const flag of FLAGS) ctx.assert.equal(typeof capabilities[flag], 'boolean', `capabilities.${flag} is a boolean`);
    ctx.assert.ok(
      capabilities.transactions === undefined || typeof capabilities.transactions === 'boolean',
      'capabilities.transactions is a boolean when declared',
    );
    if (capabilities.transactions) {
      ctx.assert.equal(typeof inner.transaction, 'function', 'transactions needs transaction');
    }
    ctx.assert.ok(capabilities.optimisticConcurrency || capabilities.locking, 'concurrency is enforced one way or the other');
    for (const limit of ['maxEventsPerCommit', 'maxCommitBytes'] as const) {
      const max = capabilities[limit];
      ctx.assert.ok(max === undefined || (Number.isSafeInteger(max) && max > 0), `${limit} is a positive integer`);
    }
    if (capabilities.globalOrder) ctx.assert.equal(typeof inner.readAll, 'function', 'globalOrder needs readAll');
    if (capabilities.listStreams) ctx.assert.equal(typeof inner.listStreams, 'function', 'listStreams needs listStreams');
    if (capabilities.globalOrder && capabilities.backwardRead) {
      ctx.assert.equal(typeof inner.readAllBackward, 'function', 'globalOrder with backwardRead needs readAllBackward');
    }
    ctx.assert.deepEqual({ ...store.capabilities }, { ...capabilities }, 'the store reports the storage capabilities');
    ctx.assert.equal(typeof inner.name, 'string');
    ctx.assert.ok(inner.name.length > 0, 'the storage has a name');
  }),

  scenario(
    'missing-not-supported',
    'a capability the backend lacks makes the API throw NotSupportedError naming it',
    async (ctx) => {
      const stores = [
        // The backend itself, for what it lacks...
        await ctx.createStore(),
        // ...and the backend declared as lacking everything optional, for the rest.
        await ctx.createStore({
          wrapStorage: (storage) =>
            withCapabilities(storage, { globalOrder: false, backwardRead: false, listStreams: false, transactions: false }),
        }),
        // ...and with its global order but no backward reads.
        await ctx.createStore({ wrapStorage: (storage) => withCapabilities(storage, { backwardRead: false }) }),
      ];
      for (const store of stores) {
        await store.append('s', 'no-stream', testEvents(2));
        if (!store.capabilities.globalOrder) {
          await ctx.assert.rejects(collect(store.readAll()), NotSupportedError, {
            capability: 'globalOrder',
            code: 'NOT_SUPPORTED',
          });
          await ctx.assert.rejects(store.headPosition(), NotSupportedError, { capability: 'globalOrder' });
          await ctx.assert.rejects(collect(store.readCategory('s')), NotSupportedError, { capability: 'globalOrder' });
          await ctx.assert.rejects(collect(store.readAll({ direction: 'backward' })), NotSupportedError, {
            capability: 'globalOrder',
          });
        } else if (!store.capabilities.backwardRead) {
          for (const read of [store.readAll({ direction: 'backward' }), store.readCategory('s', { direction: 'backward' })]) {
            await ctx.assert.rejects(collect(read), NotSupportedError, { capability: 'backwardRead' });
          }
          ctx.assert.equal((await collect(store.readCategory('s'))).length, 2, 'forward category reads still work');
        }
        if (!store.capabilities.backwardRead) {
          await ctx.assert.rejects(collect(store.read('s', { direction: 'backward' })), NotSupportedError, {
            capability: 'backwardRead',
          });
          ctx.assert.equal((await collect(store.read('s'))).length, 2, 'forward reads still work');
        }
        if (!store.capabilities.listStreams) {
          await ctx.assert.rejects(collect(store.listStreams()), NotSupportedError, { capability: 'listStreams' });
          await ctx.assert.rejects(collect(store.listStreams({ prefix: 's' })), NotSupportedError, { capability: 'listStreams' });
        }
        if (!store.capabilities.transactions) {
          // Never the callback without atomicity.
          let ran = false;
          await ctx.assert.rejects(
            store.transaction(async () => {
              ran = true;
            }),
            NotSupportedError,
            { capability: 'transactions' },
          );
          ctx.assert.equal(ran, false, 'the callback never runs');
          await ctx.assert.rejects(store.appendMany([{ stream: 'm', events: testEvents(1, 'm') }]), NotSupportedError, {
            capability: 'transactions',
          });
          ctx.assert.equal(await store.getStream('m'), null, 'nothing appended');
        }
      }
    },
  ),
];
