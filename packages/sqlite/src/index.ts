/**
 * @streamstore/sqlite: the SQLite backend of StreamStore (better-sqlite3), a database file per store or per tenant.
 */
export { type SqliteCheckpointStore, sqliteCheckpointStore } from './consumers/checkpoint-store.js';
export { type SqliteConsumerLock, type SqliteConsumerLockOptions, sqliteConsumerLock } from './consumers/consumer-lock.js';
export { type SqliteDeadLetterStore, sqliteDeadLetterStore } from './consumers/dead-letter-store.js';
export type { SqliteStorageOrOptions } from './consumers/storage-source.js';
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type SqliteMigration } from './migrations.js';
export type {
  SqliteMultitenantOptions,
  SqlitePragmaValue,
  SqliteStorageOptions,
  SqliteSynchronous,
  SqliteWalCheckpoints,
} from './options.js';
export { SqliteStorage } from './sqlite-storage.js';
export { sqliteStorage } from './sqlite-storage-factory.js';
export type { SqliteTransactionHandles } from './sqlite-transaction.js';
