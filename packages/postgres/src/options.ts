import type { Sql } from 'postgres';

/** Pool settings of a client the storage creates itself. */
export interface PoolOptions {
  /** Most connections (default 10). */
  max?: number;
  /** Seconds an idle connection is kept (default 30). */
  idleTimeout?: number;
  /** Seconds to wait for a connection (default 10). */
  connectTimeout?: number;
}

/** Where to connect: a connection string (the storage owns its pool) or a postgres.js client (the caller owns it). */
export type ConnectionOptions = { connectionString: string; sql?: undefined } | { sql: Sql; connectionString?: undefined };

/** Options of `postgresStorage`. */
export type PostgresStorageOptions = ConnectionOptions & {
  /** Schema holding the store's tables (default `streamstore`); `^[a-z_][a-z0-9_]{0,62}$`. */
  schema?: string;
  /** Pool settings when `connectionString` is given. */
  pool?: PoolOptions;
  /**
   * Seconds a call waits for PostgreSQL before failing with `StorageUnavailableError` (default 30). When it passes, the
   * storage's own pool also drops the connections that stayed silent meanwhile, so the next calls reconnect.
   */
  callTimeout?: number;
  /**
   * Group commit (default true): commits of this storage that arrive while an earlier one is in flight are sent
   * together, in one statement and one transaction, each with its own outcome. False sends every commit alone.
   */
  groupCommit?: boolean;
};

/** Options of `postgresStorage.multitenant`. */
export type PostgresMultitenantOptions = ConnectionOptions & {
  /** Tenant schemas are named `<schemaPrefix><tenantId>` (default `tenant_`; `^[a-z_][a-z0-9_]{0,14}$`). */
  schemaPrefix?: string;
  /**
   * A database per tenant instead of a schema per tenant: returns the tenant's connection string. The tenant's
   * tables live in schema `schema` (default `streamstore`) of that database; one pool per database is kept.
   */
  resolveDatabase?: (tenantId: string) => string | Promise<string>;
  /** Schema used inside each tenant database (with `resolveDatabase`). */
  schema?: string;
  /** Pool settings of the clients the storage creates. */
  pool?: PoolOptions;
  /** Seconds a call waits for PostgreSQL before failing with `StorageUnavailableError` (default 30). */
  callTimeout?: number;
};
