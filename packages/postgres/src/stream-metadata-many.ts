/**
 * `getStreamMetadataMany`: the metadata and heads of the streams of a page of the global log or of a category, in one
 * statement, so such a page costs one round trip for retention instead of one (or two) per stream.
 */
import type { StoredStreamMetadataWithHead } from '@streamstore/core/storage';
import type { Sql } from 'postgres';
import { type CallDeadline, execute } from './execute.js';

/**
 * The statement of schema `s` (a quoted identifier): the metadata rows of the ids in $1 (one probe of the metadata's
 * primary key per id) with each stream's head row (a tombstone's -1, or no row, reads as 0).
 */
export function metadataManyText(s: string): string {
  return `SELECT m.stream_id, m.revision, m.metadata::text AS metadata, greatest(coalesce(h.revision, 0), 0) AS head
FROM ${s}.stream_metadata m LEFT JOIN ${s}.streams h ON h.stream_id = m.stream_id
WHERE m.stream_id = ANY($1::text[])`;
}

/** Where the statement runs. */
export interface MetadataManyContext {
  sql: Sql;
  text: string;
  deadline?: CallDeadline | undefined;
}

/** Runs {@link metadataManyText} for `streamIds`; the map holds the streams that have metadata. */
export async function readStreamMetadataMany(
  ctx: MetadataManyContext,
  streamIds: readonly string[],
  signal: AbortSignal | undefined,
): Promise<Map<string, StoredStreamMetadataWithHead>> {
  const found = new Map<string, StoredStreamMetadataWithHead>();
  if (streamIds.length === 0) return found;
  const rows = await execute<{ stream_id: string; revision: string; metadata: string; head: string }[]>(
    ctx.sql,
    ctx.text,
    [streamIds as string[]],
    'getStreamMetadataMany',
    signal,
    ctx.deadline,
  );
  for (const row of rows) {
    found.set(row.stream_id, { revision: Number(row.revision), json: row.metadata, head: Number(row.head) });
  }
  return found;
}
