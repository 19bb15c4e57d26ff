import { statementsChecksum, type VersionedMigration } from '@streamstore/core/storage';
import { consumerMigrationStatements } from './consumers/consumer-schema.js';
import { eventsTable } from './events-table.js';
import { feedMigrationStatements } from './feed-schema.js';
import { quoteIdentifier } from './identifiers.js';
import { createMetadataTableStatement } from './metadata-schema.js';
import type { ResolvedConfig } from './options.js';

// The events table's name and row kinds live apart, so the feed's schema can use them without importing this file.
export { EVENT_KIND, eventsTable, ID_KIND } from './events-table.js';

/** `"keyspace"."<table>_schema"`: applied migrations (and, for tenants, the owner). */
export function versionTable(config: ResolvedConfig): string {
  return `${quoteIdentifier(config.keyspace)}.${quoteIdentifier(`${config.table}_schema`)}`;
}

/** `CREATE KEYSPACE IF NOT EXISTS` with the configured replication (Cosmos DB: its throughput option instead). */
export function createKeyspaceStatement(config: ResolvedConfig): string {
  const replication = Object.entries(config.replication)
    .map(([key, value]) => `'${key}': ${typeof value === 'number' ? value : `'${value}'`}`)
    .join(', ');
  const base = `CREATE KEYSPACE IF NOT EXISTS ${quoteIdentifier(config.keyspace)} WITH replication = {${replication}}`;
  // Cosmos DB ignores replication (it replicates per account) and takes shared throughput as a keyspace option.
  if (config.dialect === 'cosmos' && config.provisionedThroughput !== undefined) {
    return `${base} AND cosmosdb_provisioned_throughput = ${config.provisionedThroughput}`;
  }
  return base;
}

/**
 * The version table: created before migrations run, so it is not itself a migration. Row 0 holds the tenant owner;
 * the others are applied migrations with their checksums.
 */
export function createVersionTableStatement(config: ResolvedConfig): string {
  return `CREATE TABLE IF NOT EXISTS ${versionTable(config)} (version int PRIMARY KEY, description text, applied_at timestamp, owner text, checksum text)`;
}

/** Adds the checksum column to a version table created before checksums were kept (its rows keep a null checksum). */
export function addChecksumColumnStatement(config: ResolvedConfig): string {
  return `ALTER TABLE ${versionTable(config)} ADD checksum text`;
}

/**
 * One table, one partition per (stream, bucket). Static columns hold the bucket's head revision, the stream's
 * generation (a new uuid each time the stream is created) and its times; `kind` separates event rows from event-id
 * rows so both live in the partition a commit's single LWT batch writes.
 */
export function createEventsTableStatement(config: ResolvedConfig): string {
  const options =
    config.dialect === 'cosmos'
      ? // Cosmos DB: LWTs need cell-level timestamps and tombstones (its documented requirement for conditions).
        ' AND cosmosdb_cell_level_timestamp = true AND cosmosdb_cell_level_timestamp_tombstones = true AND cosmosdb_cell_level_timetolive = true'
      : '';
  return `CREATE TABLE IF NOT EXISTS ${eventsTable(config)} (
  stream_id text,
  bucket bigint,
  kind tinyint,
  seq bigint,
  event_id text,
  head bigint STATIC,
  gen uuid STATIC,
  created_at timestamp STATIC,
  updated_at timestamp STATIC,
  revision bigint,
  type text,
  schema_version int,
  format text,
  compression text,
  data_text text,
  data_blob blob,
  metadata text,
  event_time timestamp,
  recorded_at timestamp,
  PRIMARY KEY ((stream_id, bucket), kind, seq, event_id)
) WITH CLUSTERING ORDER BY (kind ASC, seq ASC, event_id ASC)${options}`;
}

/** One migration, its description and statements rendered for a configuration. */
interface CassandraMigration {
  version: number;
  description(config: ResolvedConfig): string;
  statements(config: ResolvedConfig): string[];
}

/** Every migration, oldest first. Never edit an applied one: add a new version (checksums catch edits). */
const MIGRATIONS: readonly CassandraMigration[] = [
  {
    version: 1,
    description: (config) => `events table ${config.keyspace}.${config.table}: (stream_id, bucket) partitions with a static head`,
    statements: (config) => [createEventsTableStatement(config)],
  },
  // Stream metadata (issue 20): a table of its own per events table; version 2 is another change's.
  {
    version: 3,
    description: (config) => `stream metadata table ${config.keyspace}.${config.table}_metadata`,
    statements: (config) => [createMetadataTableStatement(config)],
  },
];

/** Migration 4, planned only where the change feed is on (a storage without it neither needs nor plans it). */
const FEED_MIGRATION: CassandraMigration = {
  version: 4,
  description: (config) => `change feed ${config.keyspace}.${config.table}_feed and the events' feed columns`,
  statements: (config) => feedMigrationStatements(config),
};

/**
 * Migration 5: the consumer tables of the keyspace (checkpoints, consumer leases, dead letters; see
 * consumers/consumer-schema.ts), with or without the change feed.
 */
const CONSUMER_MIGRATION: CassandraMigration = {
  version: 5,
  description: (config) => `consumer tables ${config.keyspace}.consumer_checkpoints, consumer_locks and consumer_dead_letters`,
  statements: (config) => consumerMigrationStatements(config),
};

/**
 * The names checksums are taken over: a migration's checksum is the SHA-256 of its statements rendered for the
 * keyspace `"keyspace"` and the table `"table"`, so every keyspace and table (each tenant's) records the same one.
 * The rest of the configuration stays: Cosmos DB's table options make its checksums differ from Cassandra's.
 */
const CHECKSUM_NAMES = { keyspace: 'keyspace', table: 'table' } as const;

/** The versioned migrations of the events table, with their checksums. */
export function migrations(config: ResolvedConfig): VersionedMigration[] {
  const placeholder: ResolvedConfig = { ...config, ...CHECKSUM_NAMES };
  // In version order: the runner applies pending migrations in the order given.
  const all = [...MIGRATIONS, ...(config.feed ? [FEED_MIGRATION] : []), CONSUMER_MIGRATION];
  return all.map((migration) => ({
    version: migration.version,
    description: migration.description(config),
    statements: migration.statements(config),
    checksum: statementsChecksum(migration.statements(placeholder)),
  }));
}
