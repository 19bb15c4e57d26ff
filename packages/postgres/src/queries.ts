/**
 * The SQL texts of one store, built once per schema from a validated, quoted schema name. Values always travel as
 * parameters; postgres.js prepares each text once per connection.
 */

/** Columns of a stored event, with payloads as text and times as epoch ms (cheaper to parse than dates). */
const EVENT_COLUMNS = `stream_id, revision, position, event_id, type, schema_version, format, compression,
  data::text AS data, data_bytes, coalesce(metadata::text, metadata_text) AS metadata,
  (extract(epoch FROM "timestamp") * 1000)::int8 AS timestamp_ms, floor(extract(epoch FROM recorded_at) * 1000)::int8 AS recorded_ms`;

/** The statements of a store in schema `s` (already quoted). */
export interface StoreQueries {
  append: string;
  deleteStream: string;
  findEvents: string;
  readForward: string;
  readBackward: string;
  getStream: string;
  readAll: string;
  readCategory: string;
  /** Whether committed events after $1 are held back by a still-open older transaction. */
  heldBack: string;
  /** The same within category $1, after $2. */
  categoryHeldBack: string;
  listStreams: string;
}

/** Builds the statements of a store in the quoted schema `s`. */
export function buildQueries(s: string): StoreQueries {
  return {
    append: `SELECT o_status, o_revision, o_position FROM ${s}.append_events($1::text, $2::int4, $3::int8, $4::text[], $5::text[], $6::int4[], $7::text[], $8::text[],
  $9::text[], $10::bytea[], $11::text[], $12::text[], $13::timestamptz[])`,
    deleteStream: `SELECT o_status, o_revision FROM ${s}.delete_stream($1::text, $2::int4, $3::int8)`,
    findEvents: `SELECT event_id, revision, position FROM ${s}.events WHERE stream_id = $1 AND event_id = ANY($2::text[])`,
    readForward: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
    readBackward: `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE stream_id = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`,
    getStream: `SELECT revision, created_at, updated_at FROM ${s}.streams WHERE stream_id = $1`,
    // Gap-free tail: only events of transactions older than every transaction still open are handed out. A position
    // is transaction id * 1e6 + ordinal, so the events with transaction_id < xmin are exactly a prefix of the log
    // in position order. The xmin test is a filter, not an index bound: the planner cannot estimate a bound only
    // known at run time (it would guess 0.5% of the table and sort), while "position > $1" lets it walk the
    // position index in order and stop at the LIMIT.
    readAll: `SELECT ${EVENT_COLUMNS} FROM ${s}.events
  WHERE position > $1 AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY position LIMIT $2`,
    // The same visibility rule as readAll, on the (category, position) index: the events of transactions below xmin
    // are a prefix of the log, so those of one category are a prefix of that category's events.
    readCategory: `SELECT ${EVENT_COLUMNS} FROM ${s}.events
  WHERE category = $1 AND position > $2 AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY position LIMIT $3`,
    // The first event after the checkpoint in the position index is held back (or there is none) once a short page
    // has been read: one index probe.
    heldBack: `SELECT EXISTS (SELECT 1 FROM ${s}.events
  WHERE position > $1 AND transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS held_back`,
    categoryHeldBack: `SELECT EXISTS (SELECT 1 FROM ${s}.events
  WHERE category = $1 AND position > $2 AND transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS held_back`,
    listStreams: `SELECT stream_id, revision, created_at, updated_at FROM ${s}.streams WHERE stream_id > $1 ORDER BY stream_id LIMIT $2`,
  };
}
