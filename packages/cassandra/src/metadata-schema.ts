import { quoteIdentifier } from './identifiers.js';
import type { ResolvedConfig } from './options.js';

/** `"keyspace"."<table>_metadata"`: one row per stream that has metadata, apart from the events' partitions. */
export function metadataTable(config: ResolvedConfig): string {
  return `${quoteIdentifier(config.keyspace)}.${quoteIdentifier(`${config.table}_metadata`)}`;
}

/** Migration 3's statement: the metadata table (a table of its own, so a delete of the stream's partitions keeps it). */
export function createMetadataTableStatement(config: ResolvedConfig): string {
  return `CREATE TABLE IF NOT EXISTS ${metadataTable(config)} (
  stream_id text PRIMARY KEY,
  revision bigint,
  metadata text,
  updated_at timestamp
)`;
}
