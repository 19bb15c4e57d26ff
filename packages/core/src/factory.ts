import { ConfigurationError, StoreClosedError } from './errors.js';
import { EventSerializer } from './serialization/serializer.js';
import type { MultitenantStorage } from './storage-spi.js';
import { StreamStore, type StreamStoreOptions } from './store.js';
import { validateTenantId } from './validation.js';

/** Tells which tenants exist, so their schemas can be provisioned up front. */
export interface TenantProvider {
  listTenants(): Promise<string[]> | string[];
}

/** Options of {@link createStreamStoreFactory}. */
export interface StreamStoreFactoryOptions extends Omit<StreamStoreOptions, 'storage' | 'tenant'> {
  storage: MultitenantStorage;
  /** Known tenants; `factory.provisionAll()` provisions each of them. */
  tenantProvider?: TenantProvider;
}

/** Hands out one isolated {@link StreamStore} per tenant. */
export interface StreamStoreFactory {
  /** The tenant's store, created and (unless `provisionSchema: false`) provisioned on first use, then cached. */
  forTenant(tenantId: string): Promise<StreamStore>;
  /** Provisions every tenant the tenant provider lists; returns their ids. */
  provisionAll(): Promise<string[]>;
  /** Closes every tenant store and the shared backend resources. */
  close(): Promise<void>;
}

/**
 * Creates a multitenant store factory. Tenant ids must match `^[a-z][a-z0-9_]{0,47}$`; tenants may appear at
 * runtime. Provisioning is on by default for tenants (`provisionSchema: false` turns it off).
 * @example const acme = await createStreamStoreFactory({ storage: memoryStorage.multitenant() }).forTenant('acme');
 */
export function createStreamStoreFactory(options: StreamStoreFactoryOptions): StreamStoreFactory {
  if (!options || typeof options !== 'object' || !options.storage || typeof options.storage.forTenant !== 'function') {
    throw new ConfigurationError('createStreamStoreFactory needs a multitenant storage (e.g. memoryStorage.multitenant())');
  }
  const { storage, tenantProvider, ...storeOptions } = options;
  const serialization =
    storeOptions.serialization instanceof EventSerializer
      ? storeOptions.serialization
      : new EventSerializer(storeOptions.serialization);
  const provision = storeOptions.provisionSchema ?? true;
  const stores = new Map<string, Promise<StreamStore>>();
  let closed = false;

  const open = async (tenantId: string): Promise<StreamStore> => {
    const tenantStorage = await storage.forTenant(tenantId);
    const store = StreamStore.open({ ...storeOptions, serialization, storage: tenantStorage, tenant: tenantId });
    if (provision) await tenantStorage.provision();
    return store;
  };

  const factory: StreamStoreFactory = {
    async forTenant(tenantId) {
      if (closed) throw new StoreClosedError();
      validateTenantId(tenantId);
      let store = stores.get(tenantId);
      if (
        !store ||
        (await store.then(
          (s) => s.isClosed,
          () => true,
        ))
      ) {
        store = open(tenantId);
        stores.set(tenantId, store);
        // A failed open must not poison the cache: the next call tries again.
        store.catch(() => {
          if (stores.get(tenantId) === store) stores.delete(tenantId);
        });
      }
      return store;
    },
    async provisionAll() {
      const tenants = tenantProvider ? await tenantProvider.listTenants() : [];
      for (const tenant of tenants) await factory.forTenant(tenant);
      return [...tenants];
    },
    async close() {
      if (closed) return;
      closed = true;
      const opened = await Promise.allSettled(stores.values());
      stores.clear();
      for (const result of opened) if (result.status === 'fulfilled') await result.value.close();
      await storage.close?.();
    },
  };
  return factory;
}
