/**
 * `getStreamMetadataMany`: the metadata and heads of the streams of a page of the global log (the change feed) or of a
 * category, so that retention costs such a page a few queries instead of one per stream.
 */
import type { StoredStreamMetadataWithHead } from '@streamstore/core/storage';
import { type CassandraContext, locate } from './context.js';
import { metadataTable } from './metadata-schema.js';
import { toNumber } from './session.js';

/** Ids per `IN` query: the coordinator reads one partition per id, so lists stay short and run side by side. */
const IDS_PER_QUERY = 100;

/**
 * The stored metadata of those of `streamIds` that have any, each with its stream's head (0 when the stream has no
 * events, was deleted or is tombstoned). Metadata rows come from `IN` queries on the metadata table; heads are read
 * only for the streams that have metadata, usually few of a page.
 */
export async function readStreamMetadataMany(
  ctx: CassandraContext,
  streamIds: readonly string[],
): Promise<Map<string, StoredStreamMetadataWithHead>> {
  const found = new Map<string, StoredStreamMetadataWithHead>();
  const unique = [...new Set(streamIds)];
  if (unique.length === 0) return found;
  const query = `SELECT stream_id, revision, metadata FROM ${metadataTable(ctx.config)} WHERE stream_id IN ?`;
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) chunks.push(unique.slice(i, i + IDS_PER_QUERY));
  const results = await Promise.all(
    chunks.map((ids) => ctx.session.execute(query, [ids], ctx.config.consistency.read, 'read stream metadata')),
  );
  const rows = results.flatMap((result) => result.rows);
  await Promise.all(
    rows.map(async (row) => {
      const streamId = String(row.get('stream_id'));
      // The chain's head alone: getStream would also read the last event's time, which retention does not use.
      const chain = await locate(ctx, streamId);
      found.set(streamId, {
        revision: toNumber(row.get('revision')) ?? 0,
        json: String(row.get('metadata')),
        head: chain.state === 'live' ? Math.max(chain.current.head, 0) : 0,
      });
    }),
  );
  return found;
}
