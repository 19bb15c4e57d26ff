import type { RemoveEventsQuery } from '@streamstore/core/storage';
import type { Sql } from 'postgres';
import { type CallDeadline, execute } from './execute.js';

/** Where the statement runs (the storage's metadata context fits). */
interface RemoveContext {
  sql: Sql;
  queries: { remove: string };
  deadline?: CallDeadline | undefined;
}

/**
 * The scavenging statement of schema `s` (`removeEvents`): one DELETE, so one atomic step, over one range of the
 * primary key (stream_id, revision): the oldest $3 events below $2 and below the stream's head (the head event stays),
 * only while the head row is at least $4 (a tombstone's -1 never is). The range ends at the revision of the ($3 + 1)th
 * oldest event (an index-only probe; none: no bound, as least() ignores NULL), so the DELETE is one index range scan
 * rather than a join row by row (measured: about twice as fast per batch of 1000, and no hash join with a sequential
 * scan of the table for large batches). Revisions below 1 are the log's delete events, never removed here. The global
 * log stays gap-free for its readers: positions are never reused, and every removed row lies below the stream's
 * committed head, so below the log's horizon; a reader past it never needed it, a reader before it skips it like an
 * event of a deleted stream. A concurrent delete of the stream wins: rows it deleted first are skipped (READ
 * COMMITTED re-checks them), and rows of a stream written again are not in this snapshot.
 */
export function removeEventsText(s: string): string {
  return `WITH head AS (
  SELECT revision FROM ${s}.streams WHERE stream_id = $1::text AND revision >= $4::int8
), bound AS (
  SELECT least($2::int8, head.revision, (
    SELECT e.revision FROM ${s}.events e WHERE e.stream_id = $1::text AND e.revision >= 1
    ORDER BY e.revision OFFSET $3::int8 LIMIT 1
  )) AS below FROM head
), removed AS (
  DELETE FROM ${s}.events e USING bound b WHERE e.stream_id = $1::text AND e.revision >= 1 AND e.revision < b.below
  RETURNING 1
)
SELECT count(*)::int AS removed FROM removed`;
}

/** Runs {@link removeEventsText}; resolves how many events it removed. */
export async function removeEvents(
  ctx: RemoveContext,
  streamId: string,
  query: RemoveEventsQuery,
  signal: AbortSignal | undefined,
): Promise<{ removed: number }> {
  const rows = await execute<{ removed: number }[]>(
    ctx.sql,
    ctx.queries.remove,
    [streamId, query.beforeRevision, query.limit, query.minHead],
    'removeEvents',
    signal,
    ctx.deadline,
  );
  return { removed: rows[0]?.removed ?? 0 };
}
