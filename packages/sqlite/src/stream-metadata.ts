import { categoryOf } from '@streamstore/core';
import {
  type MetadataExpectation,
  type MetadataWriteOutcome,
  type StoredStreamMetadata,
  streamTruncatedEvent,
  streamTruncation,
} from '@streamstore/core/storage';
import type Database from 'better-sqlite3';

/** A metadata write's outcome; `appended` when it appended a `$streamTruncated` event to the log. */
export type MetadataWriteResult = MetadataWriteOutcome & { appended?: boolean };

/** The statements and the write transaction of stream metadata on one connection. */
interface MetadataStatements {
  select: Database.Statement<[string], { revision: number; metadata: string }>;
  write: (streamId: string, expected: MetadataExpectation, json: string) => MetadataWriteResult;
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
  // A truncation's system event, as a delete's (statements.ts insertDeleteEvent): one below the stream's lowest
  // revision, so unique over the stream's lives; deletes and scavenging only drop revisions above 0.
  const insertEvent = db.prepare<[string, string, string, string, number, number, string, string]>(
    `INSERT INTO events (stream_id, revision, event_id, type, schema_version, format, compression, data_text, data_blob,
  metadata, timestamp, recorded_at, category, digest)
  SELECT ?, coalesce(min(revision), 0) - 1, ?, ?, 1, 'json', NULL, ?, NULL, NULL, ?, ?, ?, NULL
  FROM events WHERE stream_id = ? AND revision < 1`,
  );
  // BEGIN IMMEDIATE takes the file's write lock before the read: nobody writes between the check and the write, in
  // this process or another one. A change of truncateBefore appends its system event in the same transaction.
  const write = db.transaction((streamId: string, expected: MetadataExpectation, json: string): MetadataWriteResult => {
    const stored = select.get(streamId);
    const actual = stored?.revision ?? 0;
    if (expected !== 'any' && expected !== actual) return { status: 'conflict', actual };
    const now = Date.now();
    upsert.run(streamId, actual + 1, json, now);
    const truncation = streamTruncation(streamId, stored?.metadata ?? null, json);
    if (!truncation) return { status: 'ok', revision: actual + 1 };
    // A random id: unique in the stream over all its lives, and never one an application would pick.
    const event = streamTruncatedEvent(crypto.randomUUID(), truncation, now);
    insertEvent.run(streamId, event.id, event.type, event.data as string, now, now, categoryOf(streamId), streamId);
    return { status: 'ok', revision: actual + 1, appended: true };
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

/**
 * Checks `expected` and writes `json` at the next metadata revision, in one `BEGIN IMMEDIATE` transaction, with the
 * `$streamTruncated` system event when the write changes `truncateBefore` (`appended` then).
 */
export function writeStreamMetadata(
  db: Database.Database,
  streamId: string,
  expected: MetadataExpectation,
  json: string,
): MetadataWriteResult {
  return statementsOf(db).write(streamId, expected, json);
}
