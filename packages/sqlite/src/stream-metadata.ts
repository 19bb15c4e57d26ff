import type { MetadataExpectation, MetadataWriteOutcome, StoredStreamMetadata } from '@streamstore/core/storage';
import type Database from 'better-sqlite3';

/** The statements and the write transaction of stream metadata on one connection. */
interface MetadataStatements {
  select: Database.Statement<[string], { revision: number; metadata: string }>;
  write: (streamId: string, expected: MetadataExpectation, json: string) => MetadataWriteOutcome;
}

// Prepared once per connection, on first use: metadata calls are rare, so the hot-path Statements stay as they are.
const prepared = new WeakMap<Database.Database, MetadataStatements>();

function statementsOf(db: Database.Database): MetadataStatements {
  let statements = prepared.get(db);
  if (statements) return statements;
  const select = db.prepare<[string], { revision: number; metadata: string }>(
    'SELECT revision, metadata FROM stream_metadata WHERE stream_id = ?',
  );
  const upsert = db.prepare<[string, number, string, number]>(
    `INSERT INTO stream_metadata (stream_id, revision, metadata, updated_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, metadata = excluded.metadata, updated_at = excluded.updated_at`,
  );
  // BEGIN IMMEDIATE takes the file's write lock before the read: nobody writes between the check and the write, in
  // this process or another one.
  const write = db.transaction((streamId: string, expected: MetadataExpectation, json: string): MetadataWriteOutcome => {
    const actual = select.get(streamId)?.revision ?? 0;
    if (expected !== 'any' && expected !== actual) return { status: 'conflict', actual };
    upsert.run(streamId, actual + 1, json, Date.now());
    return { status: 'ok', revision: actual + 1 };
  }).immediate;
  statements = { select, write };
  prepared.set(db, statements);
  return statements;
}

/** The stored metadata of `streamId` on connection `db`, or null when never set. */
export function readStreamMetadata(db: Database.Database, streamId: string): StoredStreamMetadata | null {
  const row = statementsOf(db).select.get(streamId);
  return row === undefined ? null : { revision: row.revision, json: row.metadata };
}

/** Checks `expected` and writes `json` at the next metadata revision, in one `BEGIN IMMEDIATE` transaction. */
export function writeStreamMetadata(
  db: Database.Database,
  streamId: string,
  expected: MetadataExpectation,
  json: string,
): MetadataWriteOutcome {
  return statementsOf(db).write(streamId, expected, json);
}
