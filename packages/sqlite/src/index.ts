/**
 * @streamstore/sqlite: the SQLite backend of StreamStore (better-sqlite3), a database file per store or per tenant.
 */
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type SqliteMigration } from './migrations.js';
export type {
  SqliteMultitenantOptions,
  SqlitePragmaValue,
  SqliteStorageOptions,
  SqliteSynchronous,
} from './options.js';
export { SqliteStorage } from './sqlite-storage.js';
export { sqliteStorage } from './sqlite-storage-factory.js';
