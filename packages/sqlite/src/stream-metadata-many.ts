/**
 * `getStreamMetadataMany`: the metadata and heads of the streams of a page of the global log or of a category, in one
 * statement, so such a page costs one call for retention instead of one (or two) per stream.
 */
import type { StoredStreamMetadataWithHead } from '@streamstore/core/storage';
import type Database from 'better-sqlite3';

interface Row {
  stream_id: string;
  revision: number;
  metadata: string;
  head: number;
}

// Prepared once per connection, on first use (only log and category reads of stores with metadata call it).
const prepared = new WeakMap<Database.Database, Database.Statement<[string], Row>>();

/**
 * The metadata rows of `streamIds` (given as one JSON array, so one statement fits any count; one probe of the
 * metadata's primary key per id) with each stream's head (no head row reads as 0); the map holds the streams that
 * have metadata.
 */
export function readStreamMetadataMany(
  db: Database.Database,
  streamIds: readonly string[],
): Map<string, StoredStreamMetadataWithHead> {
  const found = new Map<string, StoredStreamMetadataWithHead>();
  if (streamIds.length === 0) return found;
  let statement = prepared.get(db);
  if (!statement) {
    statement = db.prepare<[string], Row>(
      `SELECT m.stream_id, m.revision, m.metadata, max(coalesce(h.revision, 0), 0) AS head
FROM json_each(?) j JOIN stream_metadata m ON m.stream_id = j.value LEFT JOIN streams h ON h.stream_id = m.stream_id`,
    );
    prepared.set(db, statement);
  }
  for (const row of statement.all(JSON.stringify(streamIds))) {
    found.set(row.stream_id, { revision: row.revision, json: row.metadata, head: row.head });
  }
  return found;
}
