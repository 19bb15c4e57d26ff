import type { RemoveEventsQuery } from '@streamstore/core/storage';
import type Database from 'better-sqlite3';

interface RemoveParams {
  stream: string;
  before: number;
  limit: number;
  minHead: number;
}

// Prepared once per connection, on first use: scavenging is rare, so the hot-path statements stay as they are.
const prepared = new WeakMap<Database.Database, Database.Statement<[RemoveParams]>>();

/**
 * Scavenging (`removeEvents`): one DELETE, so one atomic step, over one range of the (stream_id, revision) index: the
 * oldest `limit` events below `before` and below the stream's head (the head event stays, and with it the head
 * revision the streams row keeps anyway), only while the head is at least `minHead`. Revisions below 1 are delete
 * events of the global log, never removed here. The log's positions are AUTOINCREMENT: removed ones are never reused.
 */
export function removeEventsWith(db: Database.Database, streamId: string, query: RemoveEventsQuery): { removed: number } {
  let statement = prepared.get(db);
  if (!statement) {
    statement = db.prepare<[RemoveParams]>(
      `DELETE FROM events WHERE position IN (
  SELECT position FROM events
  WHERE stream_id = @stream AND revision >= 1
    AND revision < MIN(@before, (SELECT revision FROM streams WHERE stream_id = @stream))
  ORDER BY revision LIMIT @limit)
AND (SELECT revision FROM streams WHERE stream_id = @stream) >= @minHead`,
    );
    prepared.set(db, statement);
  }
  const params = { stream: streamId, before: query.beforeRevision, limit: query.limit, minHead: query.minHead };
  return { removed: statement.run(params).changes };
}
