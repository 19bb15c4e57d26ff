import { ConfigurationError } from '@streamstore/core';
import type { MultitenantStorage, StreamStorage } from '@streamstore/core/storage';
import { validateTenantId } from '@streamstore/core/storage';
import type { Sql } from 'postgres';
import { callDeadline, createClient, type OwnedClient } from './client.js';
import { SCHEMA_PREFIX_PATTERN, tenantSchemaName, validateSchemaName } from './identifiers.js';
import type { PostgresMultitenantOptions } from './options.js';
import { PostgresStorage } from './postgres-storage.js';

const NO_RELEASE = async () => {};

/** Builds the storage behind `postgresStorage.multitenant`. Tenant storages share pools; `close()` ends them. */
export function createMultitenantStorage(options: PostgresMultitenantOptions): MultitenantStorage {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('postgresStorage.multitenant needs options: { connectionString } or { sql }');
  }
  const prefix = options.schemaPrefix ?? 'tenant_';
  if (typeof prefix !== 'string' || !SCHEMA_PREFIX_PATTERN.test(prefix)) {
    throw new ConfigurationError(
      `schemaPrefix ${JSON.stringify(prefix)} is invalid: it must match ${SCHEMA_PREFIX_PATTERN.source}`,
    );
  }
  const resolveDatabase = options.resolveDatabase;
  if (resolveDatabase !== undefined && typeof resolveDatabase !== 'function') {
    throw new ConfigurationError('resolveDatabase must be a function (tenantId) => connection string');
  }
  if (resolveDatabase) return databasePerTenant(options, resolveDatabase);

  const owned = options.sql === undefined;
  const client = owned ? createClient(options.connectionString as string, options.pool) : undefined;
  const sql: Sql = options.sql ?? (client?.sql as Sql);
  const deadline = callDeadline(options.callTimeout, client?.sockets);
  return {
    name: 'postgres',
    forTenant(tenantId: string): StreamStorage {
      return new PostgresStorage(sql, tenantSchemaName(prefix, tenantId), NO_RELEASE, deadline);
    },
    async close() {
      if (owned) await sql.end({ timeout: 5 });
    },
  };
}

/** A database per tenant: one pool per distinct connection string, created on first use and kept. */
function databasePerTenant(
  options: PostgresMultitenantOptions,
  resolveDatabase: (tenantId: string) => string | Promise<string>,
): MultitenantStorage {
  const schema = validateSchemaName(options.schema ?? 'streamstore');
  callDeadline(options.callTimeout, undefined); // fails on a bad value now rather than at the first tenant
  const pools = new Map<string, OwnedClient>();
  return {
    name: 'postgres',
    async forTenant(tenantId: string): Promise<StreamStorage> {
      const connectionString = await resolveDatabase(validateTenantId(tenantId));
      if (typeof connectionString !== 'string' || connectionString.length === 0) {
        throw new ConfigurationError(`resolveDatabase returned no connection string for tenant '${tenantId}'`);
      }
      let client = pools.get(connectionString);
      if (!client) {
        client = createClient(connectionString, options.pool);
        pools.set(connectionString, client);
      }
      return new PostgresStorage(client.sql, schema, NO_RELEASE, callDeadline(options.callTimeout, client.sockets));
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((client) => client.sql.end({ timeout: 5 })));
    },
  };
}
