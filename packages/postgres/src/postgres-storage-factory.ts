import { ConfigurationError } from '@streamstore/core';
import type { MultitenantStorage, StreamStorage } from '@streamstore/core/storage';
import { callDeadline, createClient } from './client.js';
import { validateSchemaName } from './identifiers.js';
import { createMultitenantStorage } from './multitenant.js';
import type { PostgresMultitenantOptions, PostgresStorageOptions } from './options.js';
import { PostgresStorage } from './postgres-storage.js';
import type { PostgresTransactionHandles } from './transactions.js';

/**
 * A PostgreSQL storage for one store, in schema `schema` (default `streamstore`). With `connectionString` the storage
 * owns its pool (closed by `store.close()`); with `sql` the caller's postgres.js client is used and left open.
 * @example
 * const store = await createStreamStore({
 *   storage: postgresStorage({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' }),
 *   provisionSchema: true,
 * });
 */
export function postgresStorage(options: PostgresStorageOptions): StreamStorage<PostgresTransactionHandles> {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('postgresStorage needs options: { connectionString } or { sql }');
  }
  const schema = validateSchemaName(options.schema ?? 'streamstore');
  const grouped = options.groupCommit ?? true;
  if (typeof grouped !== 'boolean') throw new ConfigurationError(`groupCommit must be a boolean, got ${String(grouped)}`);
  if (options.sql) {
    return new PostgresStorage(options.sql, schema, async () => {}, callDeadline(options.callTimeout, undefined), grouped);
  }
  const { sql, sockets } = createClient(options.connectionString as string, options.pool);
  return new PostgresStorage(sql, schema, () => sql.end({ timeout: 5 }), callDeadline(options.callTimeout, sockets), grouped);
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
