/**
 * @streamstore/postgres: StreamStore on PostgreSQL through postgres.js. One round trip per commit, a gap-free
 * global log, a schema (or a database) per tenant.
 */
import type { MultitenantStorage, StreamStorage } from '@streamstore/core';
import { ConfigurationError } from '@streamstore/core';
import { callDeadline, createClient } from './client.js';
import { validateSchemaName } from './identifiers.js';
import { createMultitenantStorage } from './multitenant.js';
import type { PostgresMultitenantOptions, PostgresStorageOptions } from './options.js';
import { PostgresStorage } from './postgres-storage.js';

export { appendsChannel } from './channel.js';
export { type PostgresCheckpointStore, postgresCheckpointStore } from './consumers/checkpoint-store.js';
export {
  type PostgresConsumerLock,
  type PostgresConsumerLockOptions,
  postgresConsumerLock,
} from './consumers/consumer-lock.js';
export { type PostgresDeadLetterStore, postgresDeadLetterStore } from './consumers/dead-letter-store.js';
export type { PostgresStorageOrOptions } from './consumers/storage-source.js';
export { MIGRATIONS, migrationChecksum } from './migrations.js';
export type { ConnectionOptions, PoolOptions, PostgresMultitenantOptions, PostgresStorageOptions } from './options.js';
export { PostgresStorage } from './postgres-storage.js';

/**
 * A PostgreSQL storage for one store, in schema `schema` (default `streamstore`). With `connectionString` the storage
 * owns its pool (closed by `store.close()`); with `sql` the caller's postgres.js client is used and left open.
 * @example
 * const store = await createStreamStore({
 *   storage: postgresStorage({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' }),
 *   provisionSchema: true,
 * });
 */
export function postgresStorage(options: PostgresStorageOptions): StreamStorage {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('postgresStorage needs options: { connectionString } or { sql }');
  }
  const schema = validateSchemaName(options.schema ?? 'streamstore');
  if (options.sql) return new PostgresStorage(options.sql, schema, async () => {}, callDeadline(options.callTimeout, undefined));
  const { sql, sockets } = createClient(options.connectionString as string, options.pool);
  return new PostgresStorage(sql, schema, () => sql.end({ timeout: 5 }), callDeadline(options.callTimeout, sockets));
}

/**
 * A multitenant PostgreSQL storage: a schema `<schemaPrefix><tenantId>` per tenant in one database, or, with
 * `resolveDatabase`, a database per tenant (one pool per database, cached).
 * @example
 * const factory = createStreamStoreFactory({
 *   storage: postgresStorage.multitenant({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' }),
 * });
 * const acme = await factory.forTenant('acme'); // schema tenant_acme, created on first use
 */
postgresStorage.multitenant = function multitenant(options: PostgresMultitenantOptions): MultitenantStorage {
  return createMultitenantStorage(options);
};
