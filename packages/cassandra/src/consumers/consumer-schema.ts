import { quoteIdentifier } from '../identifiers.js';
import type { ResolvedConfig } from '../options.js';

/** The consumer tables of a keyspace, quoted: every events table of the keyspace keeps its rows apart by name. */
export interface ConsumerTables {
  readonly checkpoints: string;
  readonly locks: string;
  readonly deadLetters: string;
}

/**
 * `"keyspace"."consumer_checkpoints"`, `"keyspace"."consumer_locks"` and `"keyspace"."consumer_dead_letters"`: names
 * made from the validated keyspace only (never from a consumer's name), the same for every events table of the
 * keyspace, so they fit Cassandra's 48 characters whatever the table is called. Rows carry the events table's name
 * (`events_table`) in their partition key: two stores of one keyspace never share a consumer.
 */
export function consumerTables(config: ResolvedConfig): ConsumerTables {
  const keyspace = quoteIdentifier(config.keyspace);
  return {
    checkpoints: `${keyspace}.${quoteIdentifier('consumer_checkpoints')}`,
    locks: `${keyspace}.${quoteIdentifier('consumer_locks')}`,
    deadLetters: `${keyspace}.${quoteIdentifier('consumer_dead_letters')}`,
  };
}

/** Cosmos DB runs lightweight transactions (and TTLs) only on tables with cell-level timestamps, tombstones and TTLs. */
function tableOptions(config: ResolvedConfig): string {
  return config.dialect === 'cosmos'
    ? ' WITH cosmosdb_cell_level_timestamp = true AND cosmosdb_cell_level_timestamp_tombstones = true AND cosmosdb_cell_level_timetolive = true'
    : '';
}

/**
 * Migration 5: the consumer tables (checkpoints, consumer leases, dead letters). One partition per (events table,
 * consumer) in each, so the LWTs of different consumers never contend for one Paxos partition; dead letters cluster
 * by a time-ordered id (a timeuuid), oldest first.
 */
export function consumerMigrationStatements(config: ResolvedConfig): string[] {
  const tables = consumerTables(config);
  const options = tableOptions(config);
  return [
    `CREATE TABLE IF NOT EXISTS ${tables.checkpoints} (
  events_table text,
  consumer text,
  checkpoint text,
  updated_at timestamp,
  PRIMARY KEY ((events_table, consumer))
)${options}`,
    `CREATE TABLE IF NOT EXISTS ${tables.locks} (
  events_table text,
  consumer text,
  owner text,
  expires_at timestamp,
  PRIMARY KEY ((events_table, consumer))
)${options}`,
    `CREATE TABLE IF NOT EXISTS ${tables.deadLetters} (
  events_table text,
  consumer text,
  id timeuuid,
  stream_id text,
  revision bigint,
  position text,
  event_id text,
  type text,
  error text,
  attempts int,
  failed_at timestamp,
  PRIMARY KEY ((events_table, consumer), id)
) WITH CLUSTERING ORDER BY (id ASC)${options.replace(' WITH', ' AND')}`,
  ];
}
