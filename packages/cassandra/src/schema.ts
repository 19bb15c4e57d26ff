import type { MigrationStep } from '@streamstore/core';
import { quoteIdentifier } from './identifiers.js';
import type { ResolvedConfig } from './options.js';

/** Clustering `kind` of an event row: `seq` = revision, `event_id` = the event's id. */
export const EVENT_KIND = 0;
/** Clustering `kind` of an event-id row: `seq` = 0, `event_id` = the id, `revision` = where it is stored. */
export const ID_KIND = 1;

/** `"keyspace"."table"` of the events table. */
export function eventsTable(config: ResolvedConfig): string {
  return `${quoteIdentifier(config.keyspace)}.${quoteIdentifier(config.table)}`;
}

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

/** The version table: created before migrations run, so it is not itself a migration. */
export function createVersionTableStatement(config: ResolvedConfig): string {
  return `CREATE TABLE IF NOT EXISTS ${versionTable(config)} (version int PRIMARY KEY, description text, applied_at timestamp, owner text)`;
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

/** The versioned migrations of the events table. */
export function migrations(config: ResolvedConfig): MigrationStep[] {
  return [
    {
      version: 1,
      description: `events table ${config.keyspace}.${config.table}: (stream_id, bucket) partitions with a static head`,
      statements: [createEventsTableStatement(config)],
    },
  ];
}
