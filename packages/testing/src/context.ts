import { createStreamStore, createStreamStoreFactory, type StreamStore } from '@streamstore/core';
import type { StorageCapabilities, StreamStorage } from '@streamstore/core/storage';
import type { StorageFixture } from './fixture.js';
import type { ScenarioContext, ScenarioFactoryOptions, ScenarioStoreOptions } from './scenario.js';
import { scenarioAssert } from './support/assertions.js';

/** A scenario's context plus the means to close everything it opened. */
export interface ScenarioSession {
  context: ScenarioContext;
  /** Closes every store, factory and storage the scenario opened, newest first. */
  dispose(): Promise<void>;
}

/**
 * Builds the context of one scenario run against `fixture`. `capabilities` are the fixture's, probed once.
 */
export function openScenarioSession(fixture: StorageFixture, capabilities: Readonly<StorageCapabilities>): ScenarioSession {
  const cleanups: Array<() => Promise<void>> = [];
  // The fixture's own storage behind each store (before any wrapper), for `reopen`.
  const storageOf = new WeakMap<StreamStore, StreamStorage>();

  const storeOver = async (storage: StreamStorage, options: ScenarioStoreOptions = {}): Promise<StreamStore> => {
    const { wrapStorage, ...storeOptions } = options;
    let store: StreamStore;
    try {
      store = await createStreamStore({
        ...storeOptions,
        storage: wrapStorage ? wrapStorage(storage) : storage,
        provisionSchema: true,
      });
    } catch (error) {
      await storage.close();
      throw error;
    }
    cleanups.push(() => store.close());
    storageOf.set(store, storage);
    return store;
  };

  const context: ScenarioContext = {
    backend: fixture.name,
    capabilities,
    assert: scenarioAssert,
    async createStore(options) {
      return storeOver(await fixture.storage(), options);
    },
    async createFactory(options?: ScenarioFactoryOptions) {
      if (!fixture.multitenant) throw new Error(`Fixture ${fixture.name} has no multitenant storage`);
      const factory = createStreamStoreFactory({ ...options, storage: await fixture.multitenant() });
      cleanups.push(() => factory.close());
      return factory;
    },
    async createMultitenantStorage() {
      if (!fixture.multitenant) throw new Error(`Fixture ${fixture.name} has no multitenant storage`);
      const storage = await fixture.multitenant();
      cleanups.push(async () => storage.close?.());
      return storage;
    },
    async reopen(store, options) {
      if (!fixture.reopen) throw new Error(`Fixture ${fixture.name} cannot reopen a storage`);
      const primary = storageOf.get(store);
      if (!primary) throw new Error('reopen takes a store made by this scenario context');
      return storeOver(await fixture.reopen(primary), options);
    },
  };

  return {
    context,
    async dispose() {
      let failure: unknown;
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          failure ??= error;
        }
      }
      cleanups.length = 0;
      if (failure !== undefined) throw failure;
    },
  };
}
