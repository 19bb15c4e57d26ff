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
  listStreams: string;
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
    deleteStream: `SELECT o_status, o_revision FROM ${s}.delete_stream($1::text, $2::int4, $3::int8)`,
    findEvents: `SELECT event_id, revision, position FROM ${s}.events WHERE stream_id = $1 AND event_id = ANY($2::text[])`,
    readForward: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
    readBackward: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE stream_id = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`,
    getStream: `SELECT revision, created_at, updated_at FROM ${s}.streams WHERE stream_id = $1`,
    // Gap-free tail: functions of migration 4 compute the store's log horizon (the lowest transaction that can
    // still commit events into this store), wait a moment for this store's appends in flight when they hold back
    // commits older than the call, and read one page below the horizon (see migrations.ts). The rows come back in
    // the function's order (a function scan returns its rows in order; nothing here joins or sorts them again).
    readAll: `SELECT ${EVENT_COLUMNS} FROM ${s}.read_all($1::int8, $2::int4, $3::int4)`,
    readCategory: `SELECT ${EVENT_COLUMNS} FROM ${s}.read_category($1::text, $2::int8, $3::int4, $4::int4)`,
    listStreams: `SELECT stream_id, revision, created_at, updated_at FROM ${s}.streams WHERE stream_id > $1 ORDER BY stream_id LIMIT $2`,
  };
}
