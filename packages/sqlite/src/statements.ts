import type Database from 'better-sqlite3';
import { EVENT_COLUMNS, type EventRow, type LocationRow, type StreamRow } from './rows.js';

/**
 * Parameters of a multi-row event insert: per row, in column order, stream_id, revision, event_id, type,
 * schema_version, format, compression, data_text, data_blob, metadata, timestamp, recorded_at, category, digest.
 */
export type InsertEventsParams = Array<string | number | Uint8Array | null>;

/** Parameters per inserted event row. */
export const PARAMS_PER_EVENT = 14;

/** Largest number of rows one insert statement takes; larger commits are split into statements of at most this many. */
export const MAX_ROWS_PER_INSERT = 64;

const INSERT_EVENTS_PREFIX = `INSERT INTO events (stream_id, revision, event_id, type, schema_version, format, compression,
  data_text, data_blob, metadata, timestamp, recorded_at, category, digest) VALUES `;
const EVENT_ROW_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/**
 * The select list of a stream head ({@link StreamRow}) from `streams s`: `updated_at` is the timestamp of the
 * stream's last event, found through the (stream_id, revision) index (the head's own column, set at commit, only
 * when that event is missing).
 */
const STREAM_COLUMNS = `s.stream_id, s.revision, s.created_at,
  coalesce((SELECT e.timestamp FROM events e WHERE e.stream_id = s.stream_id AND e.revision = s.revision), s.updated_at)`;

/** Every statement of the hot paths, prepared once per connection (preparing costs more than running). */
export class Statements {
  readonly selectHead: Database.Statement<[string], number>;
  readonly insertHead: Database.Statement<[string, number, number, number]>;
  readonly updateHead: Database.Statement<[number, number, string]>;
  readonly deleteEvents: Database.Statement<[string]>;
  readonly deleteHead: Database.Statement<[string]>;
  /** Whether the stream is tombstoned (1 or undefined). */
  readonly selectTombstone: Database.Statement<[string], number>;
  readonly getTombstone: Database.Statement<[string], StreamRow>;
  readonly insertTombstone: Database.Statement<[string, number, number, number]>;
  /**
   * A delete's system event: stream_id, event_id, type, data_text, timestamp, recorded_at, category, then the
   * stream_id again; its revision is one below the stream's lowest, so unique over the stream's lives.
   */
  readonly insertDeleteEvent: Database.Statement<[string, string, string, string, number, number, string, string]>;
  readonly findEvents: Database.Statement<[string, string], LocationRow>;
  readonly readForward: Database.Statement<[string, number, number], EventRow>;
  readonly readBackward: Database.Statement<[string, number, number], EventRow>;
  readonly getStream: Database.Statement<[string], StreamRow>;
  readonly readAll: Database.Statement<[bigint, number], EventRow>;
  readonly headPosition: Database.Statement<[], { seq: number | bigint }>;
  readonly readCategory: Database.Statement<[string, bigint, number], EventRow>;
  readonly readAllBackward: Database.Statement<[bigint, number], EventRow>;
  readonly readCategoryBackward: Database.Statement<[string, bigint, number], EventRow>;
  readonly listStreams: Database.Statement<[number], StreamRow>;
  readonly listStreamsAfter: Database.Statement<[string, number], StreamRow>;
  /** Streams in `[$1, $2)` (a prefix's range, see `prefixUpperBound`), at most $3. */
  readonly listPrefixFrom: Database.Statement<[string, string, number], StreamRow>;
  /** Streams in `($1, $2)`: a prefix's range resumed after an id inside it. */
  readonly listPrefixAfter: Database.Statement<[string, string, number], StreamRow>;

  /** Multi-row inserts by row count (1 to {@link MAX_ROWS_PER_INSERT}): a commit of up to that many events is one call. */
  private readonly insertEventsBySize = new Map<number, Database.Statement<[InsertEventsParams]>>();

  constructor(private readonly db: Database.Database) {
    this.selectHead = db.prepare<[string], number>('SELECT revision FROM streams WHERE stream_id = ?').pluck();
    this.insertHead = db.prepare('INSERT INTO streams (stream_id, revision, created_at, updated_at) VALUES (?, ?, ?, ?)');
    this.updateHead = db.prepare('UPDATE streams SET revision = ?, updated_at = ? WHERE stream_id = ?');
    // Revisions below 1 are the system events of earlier deletes: they stay in the log.
    this.deleteEvents = db.prepare('DELETE FROM events WHERE stream_id = ? AND revision > 0');
    this.deleteHead = db.prepare('DELETE FROM streams WHERE stream_id = ?');
    this.selectTombstone = db.prepare<[string], number>('SELECT 1 FROM tombstones WHERE stream_id = ?').pluck();
    this.getTombstone = raw(
      db.prepare<[string], StreamRow>('SELECT stream_id, revision, created_at, updated_at FROM tombstones WHERE stream_id = ?'),
    );
    this.insertTombstone = db.prepare('INSERT INTO tombstones (stream_id, revision, created_at, updated_at) VALUES (?, ?, ?, ?)');
    // An aggregate without rows still yields one row: the first delete's event gets -1.
    this.insertDeleteEvent = db.prepare(`INSERT INTO events (stream_id, revision, event_id, type, schema_version, format,
  compression, data_text, data_blob, metadata, timestamp, recorded_at, category, digest)
  SELECT ?, coalesce(min(revision), 0) - 1, ?, ?, 1, 'json', NULL, ?, NULL, NULL, ?, ?, ?, NULL
  FROM events WHERE stream_id = ? AND revision < 1`);
    // The ids travel as one JSON array: one statement for any number of ids, each probed in UNIQUE(stream_id, event_id).
    this.findEvents = raw(
      db.prepare<[string, string], LocationRow>(
        'SELECT event_id, revision, position, digest FROM events WHERE stream_id = ? AND event_id IN (SELECT value FROM json_each(?)) AND revision > 0',
      ),
    );
    this.readForward = raw(
      db.prepare<[string, number, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      ),
    );
    this.readBackward = raw(
      db.prepare<[string, number, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? AND revision > 0 ORDER BY revision DESC LIMIT ?`,
      ),
    );
    this.getStream = raw(db.prepare<[string], StreamRow>(`SELECT ${STREAM_COLUMNS} FROM streams s WHERE s.stream_id = ?`));
    // The largest position ever handed out (sqlite_sequence keeps it after deletes); AUTOINCREMENT never reuses one.
    this.headPosition = db
      .prepare<[], { seq: number | bigint }>("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
      .safeIntegers(true);
    this.readAll = raw(
      db.prepare<[bigint, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
    );
    // Walks the (category, position) index in order and stops at the LIMIT.
    this.readCategory = raw(
      db.prepare<[string, bigint, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE category = ? AND position > ? ORDER BY position LIMIT ?`,
      ),
    );
    // Backward pages walk the same indexes the other way, from just below the cursor.
    this.readAllBackward = raw(
      db.prepare<[bigint, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE position < ? ORDER BY position DESC LIMIT ?`,
      ),
    );
    this.readCategoryBackward = raw(
      db.prepare<[string, bigint, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE category = ? AND position < ? ORDER BY position DESC LIMIT ?`,
      ),
    );
    this.listStreams = raw(
      db.prepare<[number], StreamRow>(`SELECT ${STREAM_COLUMNS} FROM streams s ORDER BY s.stream_id LIMIT ?`),
    );
    this.listStreamsAfter = raw(
      db.prepare<[string, number], StreamRow>(
        `SELECT ${STREAM_COLUMNS} FROM streams s WHERE s.stream_id > ? ORDER BY s.stream_id LIMIT ?`,
      ),
    );
    // One range of the primary key, both bounds parameters (BINARY collation: UTF-8 byte order). No LIKE: SQLite's
    // is case-insensitive, and a range needs no escaping of '%', '_' or '\'.
    this.listPrefixFrom = raw(
      db.prepare<[string, string, number], StreamRow>(
        `SELECT ${STREAM_COLUMNS} FROM streams s WHERE s.stream_id >= ? AND s.stream_id < ? ORDER BY s.stream_id LIMIT ?`,
      ),
    );
    this.listPrefixAfter = raw(
      db.prepare<[string, string, number], StreamRow>(
        `SELECT ${STREAM_COLUMNS} FROM streams s WHERE s.stream_id > ? AND s.stream_id < ? ORDER BY s.stream_id LIMIT ?`,
      ),
    );
  }

  /** The insert of `rows` event rows (1 to {@link MAX_ROWS_PER_INSERT}), prepared on first use. */
  insertEvents(rows: number): Database.Statement<[InsertEventsParams]> {
    let statement = this.insertEventsBySize.get(rows);
    if (!statement) {
      statement = this.db.prepare<[InsertEventsParams]>(
        INSERT_EVENTS_PREFIX + new Array<string>(rows).fill(EVENT_ROW_PLACEHOLDERS).join(', '),
      );
      this.insertEventsBySize.set(rows, statement);
    }
    return statement;
  }
}

function raw<P extends unknown[], R>(statement: Database.Statement<P, R>): Database.Statement<P, R> {
  return statement.raw(true) as unknown as Database.Statement<P, R>;
}
