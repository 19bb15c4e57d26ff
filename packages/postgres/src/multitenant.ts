import type { MultitenantStorage, StreamStorage } from '@streamstore/core';
import { ConfigurationError } from '@streamstore/core';
import type { Sql } from 'postgres';
import { createClient } from './client.js';
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
  const sql: Sql = options.sql ?? createClient(options.connectionString as string, options.pool);
  return {
    name: 'postgres',
    forTenant(tenantId: string): StreamStorage {
      return new PostgresStorage(sql, tenantSchemaName(prefix, tenantId), NO_RELEASE);
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
  const pools = new Map<string, Sql>();
  return {
    name: 'postgres',
    async forTenant(tenantId: string): Promise<StreamStorage> {
      const connectionString = await resolveDatabase(tenantId);
      if (typeof connectionString !== 'string' || connectionString.length === 0) {
        throw new ConfigurationError(`resolveDatabase returned no connection string for tenant '${tenantId}'`);
      }
      let sql = pools.get(connectionString);
      if (!sql) {
        sql = createClient(connectionString, options.pool);
        pools.set(connectionString, sql);
      }
      return new PostgresStorage(sql, schema, NO_RELEASE);
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((sql) => sql.end({ timeout: 5 })));
    },
  };
}
