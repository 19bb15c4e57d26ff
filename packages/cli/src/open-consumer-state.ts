/** Opens the consumers' state (checkpoints, dead letters) of the store `settings` point at. */
import { NotSupportedError } from '@streamstore/core';
import { type StreamStorage, validateTenantId } from '@streamstore/core/storage';
import { backendEntries, backendEntry } from './backends.js';
import type { Settings } from './config.js';
import type { ConsumerState } from './consumer-state.js';

/** The installed backends that keep consumers' state in storage, for messages. */
function backendsWithConsumerState(settings: Settings): string {
  const names = backendEntries(settings.backends)
    .filter((entry) => entry.consumerState !== undefined)
    .map((entry) => entry.name);
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * Runs `work` on the consumers' state of the store of `settings` (the tenant's with `settings.tenant`) and closes
 * the storage afterwards. Nothing is created or migrated: a store without the consumer tables is an error that
 * points to `streamstore migrate`. Throws `NotSupportedError` on backends that keep no consumer state in storage.
 */
export async function withConsumerState<T>(
  settings: Settings,
  command: string,
  work: (state: ConsumerState) => Promise<T>,
): Promise<T> {
  const backend = backendEntry(settings.backend, settings.backends);
  if (!backend.consumerState) {
    throw new NotSupportedError(
      'consumerState',
      `streamstore ${command} needs a backend that stores consumers' checkpoints and dead letters ` +
        `(${backendsWithConsumerState(settings)}); the ${backend.name} backend keeps none in storage`,
    );
  }
  const request = { settings, purpose: 'read' as const };
  let storage: StreamStorage;
  let closeAll: () => Promise<void>;
  if (settings.tenant !== undefined) {
    const tenant = validateTenantId(settings.tenant);
    const multitenant = await backend.openMultitenant(request);
    try {
      storage = await multitenant.forTenant(tenant);
    } catch (error) {
      await multitenant.close?.().catch(() => {});
      throw error;
    }
    const tenantStorage = storage;
    closeAll = async () => {
      await tenantStorage.close();
      await multitenant.close?.();
    };
  } else {
    storage = await backend.open(request);
    const single = storage;
    closeAll = () => single.close();
  }
  try {
    return await work(await backend.consumerState(storage));
  } finally {
    await closeAll();
  }
}
