/**
 * @streamstore/postgres: StreamStore on PostgreSQL through postgres.js. One round trip per commit, a gap-free
 * global log, a schema (or a database) per tenant.
 */

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
export { postgresStorage } from './postgres-storage-factory.js';
export type { PostgresTransactionHandles } from './transactions.js';
