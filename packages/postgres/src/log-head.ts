import type { Sql } from 'postgres';
import { type CallDeadline, execute } from './execute.js';

/**
 * The end of a store's global log as a `readAll` checkpoint: the last position below the log's horizon (the lowest
 * transaction that can still commit events into this store). Every event that becomes visible later gets a higher
 * position, so a reader starting after this one misses nothing; an event above the horizon is not counted yet, and
 * is delivered to such a reader once its transaction ends. The horizon is computed once (materialized): it is a
 * volatile function, which a plain WHERE clause would call again for every row.
 */
export function logHeadQuery(s: string): string {
  return `WITH h AS MATERIALIZED (SELECT ${s}.log_horizon()::text::xid8 AS horizon)
SELECT e.position::text AS position FROM ${s}.events e, h WHERE e.transaction_id < h.horizon ORDER BY e.position DESC LIMIT 1`;
}

/** Runs {@link logHeadQuery}: the position, or undefined for an empty log. */
export async function readLogHead(
  sql: Sql,
  text: string,
  signal: AbortSignal | undefined,
  deadline: CallDeadline | undefined,
): Promise<string | undefined> {
  const rows = await execute<Array<{ position: string }>>(sql, text, [], 'headPosition', signal, deadline);
  return rows[0]?.position;
}
