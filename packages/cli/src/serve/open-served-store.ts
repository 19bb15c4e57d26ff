/**
 * Opens what `streamstore serve` serves: the store of the settings (the tenant's with --tenant) and, on backends
 * that keep them, its consumers' checkpoints and dead letters over the same storage (one connection for both).
 */
import { createStreamStore, type StreamStore } from '@streamstore/core';
import { type StreamStorage, validateTenantId } from '@streamstore/core/storage';
import type { ConsumerAdmin } from '@streamstore/server';
import { backendEntry } from '../backends.js';
import type { Settings } from '../config.js';
import { consumerAdmin, deadLetterAdmin } from './consumer-admin.js';

/** A served store and how to close it. */
export interface ServedStore {
  store: StreamStore;
  consumers: ConsumerAdmin | undefined;
  /** Where the data lives, for messages. */
  target: string;
  close(): Promise<void>;
}

/** Opens the store; `write` creates a missing SQLite database (--allow-writes), `read` wants it to exist. */
export async function openServedStore(settings: Settings, purpose: 'read' | 'write'): Promise<ServedStore> {
  const backend = backendEntry(settings.backend, settings.backends);
  const request = { settings, purpose };
  let storage: StreamStorage;
  let closeExtra = async () => {};
  let target: string;
  if (settings.tenant !== undefined) {
    const tenant = validateTenantId(settings.tenant);
    const multitenant = await backend.openMultitenant(request);
    try {
      storage = await multitenant.forTenant(tenant);
    } catch (error) {
      await multitenant.close?.().catch(() => {});
      throw error;
    }
    closeExtra = async () => {
      await multitenant.close?.();
    };
    target = await backend.describeTarget(settings, tenant);
  } else {
    storage = await backend.open(request);
    target = await backend.describeTarget(settings);
  }
  try {
    const store = await createStreamStore({ storage, provisionSchema: purpose === 'write' });
    const letters = deadLetterAdmin(settings.backend, storage);
    const consumers = backend.consumerState && letters ? consumerAdmin(await backend.consumerState(storage), letters) : undefined;
    return {
      store,
      consumers,
      target,
      close: async () => {
        await store.close();
        await closeExtra();
      },
    };
  } catch (error) {
    await storage.close().catch(() => {});
    await closeExtra().catch(() => {});
    throw error;
  }
}
