import type { MultitenantStorage } from '@streamstore/core/storage';
import { sqliteMultitenant } from './multitenant.js';
import { resolveOptions, type SqliteMultitenantOptions, type SqliteStorageOptions } from './options.js';
import { SqliteStorage } from './sqlite-storage.js';

/**
 * SQLite storage over one database file (WAL mode). The file and its schema are created by provisioning.
 * @example const store = await createStreamStore({ storage: sqliteStorage({ filename: 'events.db' }), provisionSchema: true });
 */
export function sqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  return new SqliteStorage(resolveOptions(options));
}

/**
 * A database file per tenant: `<directory>/<tenantId>.db` (the directory is created when missing).
 * @example const factory = createStreamStoreFactory({ storage: sqliteStorage.multitenant({ directory: 'data' }) });
 */
sqliteStorage.multitenant = function multitenant(options: SqliteMultitenantOptions): MultitenantStorage {
  return sqliteMultitenant(options);
};
