export { estimateCommitBytes } from './batch-size.js';
export { CassandraStorage } from './cassandra-storage.js';
export { type CassandraMultitenantOptions, cassandraStorage } from './cassandra-storage-factory.js';
export { buildClientOptions, type ConnectionOptions } from './client.js';
export type { ConsistencyName, ConsistencyOptions, SerialConsistencyName } from './consistency.js';
export { type CassandraCheckpointStore, cassandraCheckpointStore } from './consumers/checkpoint-store.js';
export {
  type CassandraConsumerLock,
  type CassandraConsumerLockOptions,
  cassandraConsumerLock,
} from './consumers/consumer-lock.js';
export { type CassandraDeadLetterStore, cassandraDeadLetterStore } from './consumers/dead-letter-store.js';
export type { CassandraStorageOrOptions } from './consumers/storage-source.js';
export {
  COSMOS_CASSANDRA_PORT,
  type CosmosEndpoint,
  type CosmosOptions,
  parseCosmosConnectionString,
  resolveCosmosEndpoint,
} from './cosmos.js';
export { tenantKeyspace } from './identifiers.js';
export {
  type CassandraStorageOptions,
  DEFAULT_BUCKET_SIZE,
  DEFAULT_MAX_MUTATION_BYTES,
  DEFAULT_SCHEMA_AGREEMENT_TIMEOUT_MS,
  type ReplicationOptions,
  type ResolvedConfig,
  resolveConfig,
} from './options.js';
export { createEventsTableStatement, createKeyspaceStatement, migrations } from './schema.js';
export { Statements } from './statements.js';
export {
  type CassandraConnection,
  cassandraConnectionOptions,
  cassandraUrlSettings,
  DEFAULT_DATA_CENTER,
  describeCassandraUrl,
  parseCassandraUrl,
} from './url.js';
