import { ConfigurationError } from '@streamstore/core';
import { type MultitenantStorage, type StreamStorage, validateTenantId } from '@streamstore/core/storage';
import { CassandraStorage } from './cassandra-storage.js';
import { openClient } from './client.js';
import type { CosmosOptions } from './cosmos.js';
import { tenantKeyspace } from './identifiers.js';
import { type CassandraStorageOptions, resolveConfig } from './options.js';
import { Session } from './session.js';

/** Options of {@link cassandraStorage.multitenant}: those of a single store, minus the keyspace. */
export interface CassandraMultitenantOptions extends Omit<CassandraStorageOptions, 'keyspace'> {
  /** Prefix of every tenant keyspace (default `streamstore_`); prefix + tenant id is cut to 48 characters with a hash. */
  keyspacePrefix?: string;
}

/**
 * A StreamStore storage on Apache Cassandra 4/5 (or, with `cosmos`, Azure Cosmos DB for Apache Cassandra).
 * No global order: `readAll` throws `NotSupportedError`.
 * @example
 * const storage = cassandraStorage({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1', keyspace: 'shop' });
 * const store = await createStreamStore({ storage, provisionSchema: true });
 */
export function cassandraStorage(options: CassandraStorageOptions): CassandraStorage {
  const config = resolveConfig(options);
  const { client, release } = openClient(options);
  return new CassandraStorage(new Session(client), config, release);
}

/**
 * A Cosmos DB for Apache Cassandra storage: `cassandraStorage({ ...options, cosmos })` with the connection given by
 * a connection string.
 * @example cassandraStorage.cosmos({ connectionString: process.env.COSMOS_CASSANDRA!, localDataCenter: 'West Europe', keyspace: 'shop' })
 */
cassandraStorage.cosmos = function cosmos(
  options: Omit<CassandraStorageOptions, 'cosmos' | 'contactPoints'> & CosmosOptions & { localDataCenter: string },
): CassandraStorage {
  const { connectionString, contactPoint, port, username, password, provisionedThroughput, ...rest } = options;
  return cassandraStorage({
    ...rest,
    cosmos: { connectionString, contactPoint, port, username, password, provisionedThroughput },
  });
};

/**
 * One keyspace per tenant (`<keyspacePrefix><tenantId>`), all over one shared driver client.
 * @example const factory = createStreamStoreFactory({ storage: cassandraStorage.multitenant({ contactPoints, localDataCenter }) });
 */
cassandraStorage.multitenant = function multitenant(options: CassandraMultitenantOptions): MultitenantStorage {
  const prefix = options.keyspacePrefix ?? 'streamstore_';
  if (typeof prefix !== 'string' || !/^[a-z][a-z0-9_]{0,31}$/.test(prefix)) {
    throw new ConfigurationError(`keyspacePrefix ${JSON.stringify(prefix)} must match ^[a-z][a-z0-9_]{0,31}$`);
  }
  // Validate everything but the keyspace once, up front.
  resolveConfig({ ...options, keyspace: 'probe' });
  let shared: ReturnType<typeof openClient> | undefined;
  return {
    name: options.cosmos ? 'cosmos-cassandra' : 'cassandra',
    forTenant(tenantId: string): StreamStorage {
      validateTenantId(tenantId);
      const keyspace = tenantKeyspace(prefix, tenantId);
      const config = resolveConfig({ ...options, keyspace });
      shared ??= openClient(options);
      // Tenant storages share the client: closing one must not disconnect the others.
      return new CassandraStorage(new Session(shared.client), config, async () => {}, tenantId);
    },
    async close() {
      const opened = shared;
      shared = undefined;
      await opened?.release();
    },
  };
};

export type { CosmosOptions };
