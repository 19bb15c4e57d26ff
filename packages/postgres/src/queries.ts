/**
 * The SQL texts of one store, built once per schema from a validated, quoted schema name. Values always travel as
 * parameters; postgres.js prepares each text once per connection.
 */

/**
 * Columns of a stored event, with payloads as text and times as epoch ms (cheaper to parse than dates). The epochs
 * come from date_part (double precision), about twice as fast per row as extract (numeric). "timestamp" holds whole
 * milliseconds: rounding gives them back exactly. recorded_at has microseconds and is floored to its millisecond; the
 * double's error is below 0.00025 ms until 2106 while a microsecond is 0.001 ms, so adding 0.0005 before the floor
 * undoes the error without ever reaching the next millisecond.
 */
const EVENT_COLUMNS = `stream_id, revision, position, event_id, type, schema_version, format, compression,
  data::text AS data, data_bytes, coalesce(metadata::text, metadata_text) AS metadata,
  round(date_part('epoch', "timestamp") * 1000)::int8 AS timestamp_ms,
  floor(date_part('epoch', recorded_at) * 1000 + 0.0005)::int8 AS recorded_ms`;

/**
 * The columns of a stream head from `${s}.streams s`: `updated_at` is the timestamp of the stream's last event (one
 * probe of the events' primary key), the head's own column only when that event is missing.
 */
function streamColumns(s: string): string {
  return `s.stream_id, s.revision, s.created_at,
  coalesce((SELECT e."timestamp" FROM ${s}.events e WHERE e.stream_id = s.stream_id AND e.revision = s.revision), s.updated_at) AS updated_at`;
}

/**
 * A backward page of the log (optionally of category $1): newest first, strictly below a position and below the
 * log's horizon, as headPosition counts the end (0004_2_log_horizon.sql), so that a backward read from the end starts
 * where a forward reader after headPosition() would resume. The horizon is computed once (MATERIALIZED): the
 * function is volatile, and a plain WHERE clause would call it again for every row.
 */
function backwardPage(s: string, category: boolean): string {
  const where = category ? 'e.category = $1 AND e.position < $2 AND' : 'e.position < $1 AND';
  return `WITH h AS MATERIALIZED (SELECT ${s}.log_horizon()::text::xid8 AS horizon)
SELECT ${EVENT_COLUMNS} FROM ${s}.events e, h WHERE ${where} e.transaction_id < h.horizon ORDER BY e.position DESC
LIMIT ${category ? '$3' : '$2'}`;
}

/** The statements of a store in schema `s` (already quoted). */
export interface StoreQueries {
  append: string;
  /** Several commits in one statement (see 0008_append_events_group.sql); one row per commit. */
  appendGroup: string;
  /** An append inside a transaction (see 0009_1_append_events_tx.sql): a savepoint of its own; status 2 = duplicate. */
  appendInTransaction: string;
  /** A multi-stream append (see 0009_3_append_many.sql): all parts or none, one row per part. */
  appendMany: string;
  deleteStream: string;
  findEvents: string;
  readForward: string;
  readBackward: string;
  getStream: string;
  /** A page of the global log after $1, at most $2 events, waiting at most $3 ms for appends in flight. */
  readAll: string;
  /** The same within category $1 ($2 after, $3 limit, $4 ms). */
  readCategory: string;
  /** A page of the global log backward, strictly before $1, at most $2 events, below the log's horizon. */
  readAllBackward: string;
  /** The same within category $1 ($2 before, $3 limit). */
  readCategoryBackward: string;
  /** Streams after $1, at most $2. */
  listStreams: string;
  /** Streams after $1 in the range [$2, $3) of a prefix (see `prefixUpperBound`), at most $4. */
  listStreamsPrefix: string;
}

/** Builds the statements of a store in the quoted schema `s`. */
export function buildQueries(s: string): StoreQueries {
  return {
    append: `SELECT o_status, o_revision, o_position FROM ${s}.append_events($1::text, $2::int4, $3::int8, $4::text[], $5::text[], $6::int4[], $7::text[], $8::text[],
  $9::text[], $10::bytea[], $11::text[], $12::text[], $13::timestamptz[], $14::bool)`,
    appendGroup: `SELECT o_index, o_status, o_revision, o_position FROM ${s}.append_events_group($1::text[], $2::int4[], $3::int8[],
  $4::int4[], $5::text[], $6::text[], $7::int4[], $8::text[], $9::text[], $10::text[], $11::bytea[], $12::text[], $13::text[],
  $14::timestamptz[])`,
    appendInTransaction: `SELECT o_status, o_revision, o_position FROM ${s}.append_events_tx($1::text, $2::int4, $3::int8, $4::text[], $5::text[],
  $6::int4[], $7::text[], $8::text[], $9::text[], $10::bytea[], $11::text[], $12::text[], $13::timestamptz[], $14::bool)`,
    appendMany: `SELECT o_index, o_status, o_revision, o_position FROM ${s}.append_many($1::text[], $2::int4[], $3::int8[],
  $4::int4[], $5::text[], $6::text[], $7::int4[], $8::text[], $9::text[], $10::text[], $11::bytea[], $12::text[], $13::text[],
  $14::timestamptz[], $15::bool)`,
    deleteStream: `SELECT o_status, o_revision FROM ${s}.delete_stream($1::text, $2::int4, $3::int8, $4::bool)`,
    // Rows below revision 1 are the system events of deletes (0010_4_delete_stream.sql): never part of a stream read.
    findEvents: `SELECT event_id, revision, position FROM ${s}.events WHERE stream_id = $1 AND event_id = ANY($2::text[]) AND revision > 0`,
    readForward: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
    readBackward: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE stream_id = $1 AND revision <= $2 AND revision > 0 ORDER BY revision DESC LIMIT $3`,
    getStream: `SELECT ${streamColumns(s)} FROM ${s}.streams s WHERE s.stream_id = $1`,
    // Gap-free tail: functions of migration 4 compute the store's log horizon (the lowest transaction that can
    // still commit events into this store), wait a moment for this store's appends in flight when they hold back
    // commits older than the call, and read one page below the horizon (see migrations.ts). The rows come back in
    // the function's order (a function scan returns its rows in order; nothing here joins or sorts them again).
    readAll: `SELECT ${EVENT_COLUMNS} FROM ${s}.read_all($1::int8, $2::int4, $3::int4)`,
    readCategory: `SELECT ${EVENT_COLUMNS} FROM ${s}.read_category($1::text, $2::int8, $3::int4, $4::int4)`,
    readAllBackward: backwardPage(s, false),
    readCategoryBackward: backwardPage(s, true),
    // A head at -1 is a tombstone (migration 10): not a stream to list.
    listStreams: `SELECT ${streamColumns(s)} FROM ${s}.streams s WHERE s.stream_id > $1 AND s.revision >= 0 ORDER BY s.stream_id LIMIT $2`,
    // One range of the primary key (COLLATE "C": byte order), every bound a parameter: no LIKE, so no pattern to
    // escape and no generic plan that cannot bound the index by a pattern's fixed prefix.
    listStreamsPrefix: `SELECT ${streamColumns(s)} FROM ${s}.streams s
WHERE s.stream_id > $1 AND s.stream_id >= $2 AND s.stream_id < $3 AND s.revision >= 0 ORDER BY s.stream_id LIMIT $4`,
  };
}
