import { StorageCorruptedError } from '@streamstore/core';
import type { MetadataExpectation, MetadataWriteOutcome, StoredStreamMetadata } from '@streamstore/core/storage';
import type { Sql } from 'postgres';
import { type CallDeadline, execute } from './execute.js';
import { removeEventsText } from './remove-events.js';

/** The SQL texts of stream metadata for one schema (a quoted identifier). */
export interface MetadataQueries {
  select: string;
  write: string;
  /** Scavenging's DELETE (remove-events.ts). */
  remove: string;
}

/** Builds the metadata statements of schema `s`; values travel as parameters. */
export function metadataQueries(s: string): MetadataQueries {
  return {
    // metadata::text gives the stored JSON text back as written (a json column keeps it verbatim).
    select: `SELECT revision, metadata::text AS metadata FROM ${s}.stream_metadata WHERE stream_id = $1::text`,
    // The document as text, cast on the server: a parameter typed json would be serialized again by the driver.
    write: `SELECT o_status, o_revision, o_appended FROM ${s}.set_stream_metadata($1::text, $2::int8, $3::text::json)`,
    remove: removeEventsText(s),
  };
}

/** Where and how a metadata call runs. */
export interface MetadataContext {
  sql: Sql;
  queries: MetadataQueries;
  deadline?: CallDeadline | undefined;
}

/** The stored metadata of `streamId`, or null when never set. */
export async function readStreamMetadata(
  ctx: MetadataContext,
  streamId: string,
  signal: AbortSignal | undefined,
): Promise<StoredStreamMetadata | null> {
  const rows = await execute<{ revision: string; metadata: string }[]>(
    ctx.sql,
    ctx.queries.select,
    [streamId],
    'getStreamMetadata',
    signal,
    ctx.deadline,
  );
  const row = rows[0];
  return row === undefined ? null : { revision: Number(row.revision), json: row.metadata };
}

/**
 * One statement, `set_stream_metadata` (0012_2): it takes an append's locks, locks the metadata row (or inserts the
 * first one), checks the expected revision on the locked row and writes, so the actual revision it reports on a
 * conflict is the one it decided on; a write that changes `truncateBefore` also inserts the `$streamTruncated` system
 * event (`appended`). `'any'` is passed as NULL.
 */
export async function writeStreamMetadata(
  ctx: MetadataContext,
  streamId: string,
  expected: MetadataExpectation,
  json: string,
  signal: AbortSignal | undefined,
): Promise<MetadataWriteOutcome & { appended?: boolean }> {
  const rows = await execute<{ o_status: number; o_revision: string; o_appended: boolean }[]>(
    ctx.sql,
    ctx.queries.write,
    [streamId, expected === 'any' ? null : expected, json],
    'setStreamMetadata',
    signal,
    ctx.deadline,
  );
  const row = rows[0];
  if (row === undefined) throw new StorageCorruptedError('set_stream_metadata returned no row');
  const revision = Number(row.o_revision);
  if (row.o_status !== 0) return { status: 'conflict', actual: revision };
  return row.o_appended ? { status: 'ok', revision, appended: true } : { status: 'ok', revision };
}
