/** Opens the store a command works on, from the resolved settings, through the backend registry. */
import { createStreamStore, createStreamStoreFactory, type StreamStore, type StreamStoreFactory } from '@streamstore/core';
import { validateTenantId } from '@streamstore/core/storage';
import { type BackendEntry, type BackendPurpose, backendEntry } from './backends.js';
import type { Settings } from './config.js';

/** A store opened for one command, with what to close afterwards. */
export interface OpenedStore {
  store: StreamStore;
  backend: BackendEntry;
  /** Where the data lives, for messages. */
  target: string;
  close(): Promise<void>;
}

/**
 * Opens the store of `settings`: the tenant's store when `settings.tenant` is set (through the backend's
 * multitenant storage), the single database otherwise.
 */
export async function openStore(
  settings: Settings,
  options: { purpose: BackendPurpose; provision: boolean },
): Promise<OpenedStore> {
  const backend = backendEntry(settings.backend, settings.backends);
  const request = { settings, purpose: options.purpose };
  if (settings.tenant !== undefined) {
    const tenant = validateTenantId(settings.tenant);
    const factory = createStreamStoreFactory({
      storage: await backend.openMultitenant(request),
      provisionSchema: options.provision,
    });
    try {
      const store = await factory.forTenant(tenant);
      return { store, backend, target: await backend.describeTarget(settings, tenant), close: () => factory.close() };
    } catch (error) {
      await factory.close().catch(() => {});
      throw error;
    }
  }
  const storage = await backend.open(request);
  try {
    const store = await createStreamStore({ storage, provisionSchema: options.provision });
    return { store, backend, target: await backend.describeTarget(settings), close: () => store.close() };
  } catch (error) {
    await storage.close().catch(() => {});
    throw error;
  }
}

/** A multitenant factory over the backend of `settings` (provisioning each tenant on first use). */
export async function openFactory(settings: Settings): Promise<{ factory: StreamStoreFactory; backend: BackendEntry }> {
  const backend = backendEntry(settings.backend, settings.backends);
  const storage = await backend.openMultitenant({ settings, purpose: 'write' });
  return { factory: createStreamStoreFactory({ storage, provisionSchema: true }), backend };
}

/** Runs `work` on an opened store and always closes it. */
export async function withStore<T>(
  settings: Settings,
  options: { purpose: BackendPurpose; provision: boolean },
  work: (opened: OpenedStore) => Promise<T>,
): Promise<T> {
  const opened = await openStore(settings, options);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}
