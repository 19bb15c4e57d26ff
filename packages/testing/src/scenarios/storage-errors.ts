import { StoreClosedError } from '@streamstore/core';
import type { EncodedEvent, StreamStorage } from '@streamstore/core/storage';
import { present } from '../support/assertions.js';
import { encodedTestEvent } from '../support/encoded-events.js';
import { testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('storage-errors');

/** An event as the core hands it to a storage, built by hand: these scenarios call the SPI without a store. */
function encodedEvent(id: string): EncodedEvent {
  return encodedTestEvent(id, { data: '{"tag":"late"}', timestamp: Date.now() });
}

/** Every SPI call a storage offers, by name, each one a call a closed storage must refuse. */
function spiCalls(storage: StreamStorage): Array<[string, () => unknown]> {
  const calls: Array<[string, () => unknown]> = [
    ['provision', () => storage.provision()],
    ['append', () => storage.append('s', 'any', [encodedEvent('late-1')])],
    ['findEvents', () => storage.findEvents('s', ['e-1'])],
    ['readStream', () => storage.readStream('s', { from: 1, direction: 'forward', limit: 10 })],
    ['readStream backward', () => storage.readStream('s', { from: 1, direction: 'backward', limit: 10 })],
    ['getStream', () => storage.getStream('s')],
    ['deleteStream', () => storage.deleteStream('s', undefined)],
  ];
  const { planMigrations, appendMany, transaction, readAll, readCategory, readAllBackward, readCategoryBackward, listStreams } =
    storage;
  if (planMigrations) calls.push(['planMigrations', () => planMigrations.call(storage)]);
  if (appendMany) {
    const part = { streamId: 's', expected: 'any' as const, events: [encodedEvent('late-2')] };
    calls.push(['appendMany', () => appendMany.call(storage, [part])]);
  }
  if (transaction) calls.push(['transaction', () => transaction.call(storage, async () => 'never run')]);
  if (readAll) calls.push(['readAll', () => readAll.call(storage, { limit: 10 })]);
  if (readCategory) calls.push(['readCategory', () => readCategory.call(storage, { category: 's', limit: 10 })]);
  if (readAllBackward) calls.push(['readAllBackward', () => readAllBackward.call(storage, { limit: 10 })]);
  if (readCategoryBackward) {
    calls.push(['readCategoryBackward', () => readCategoryBackward.call(storage, { category: 's', limit: 10 })]);
  }
  if (listStreams) {
    calls.push(['listStreams', () => listStreams.call(storage, { limit: 10 })]);
    calls.push(['listStreams prefix', () => listStreams.call(storage, { prefix: 's', limit: 10 })]);
  }
  return calls;
}

/**
 * The SPI's error table (see `StreamStorage` in the core), checked on the storage itself rather than through a store:
 * a store guards its own closed state, so only a direct call shows what the backend throws.
 */
export const storageErrorScenarios = [
  scenario(
    'closed-storage',
    'every SPI method of a closed storage throws StoreClosedError; closing again is a no-op',
    async (ctx) => {
      let captured: StreamStorage | undefined;
      const store = await ctx.createStore({
        wrapStorage: (storage) => {
          captured = storage;
          return storage;
        },
      });
      const storage = present(captured, 'the storage');
      await store.append('s', 'no-stream', testEvents(1));
      await storage.close();
      await storage.close();
      for (const [name, call] of spiCalls(storage)) {
        const error = await ctx.assert.rejects(call, StoreClosedError, { code: 'CLOSED' });
        ctx.assert.equal(error.name, 'StoreClosedError', name);
      }
    },
  ),
];
