/**
 * The versioned schema of one store. Statements are templates over the (validated, quoted) schema name so every
 * tenant schema gets the same objects; checksums are taken over the templates, so they do not depend on the name.
 */
import { createHash } from 'node:crypto';
import { appendsChannel, unquote } from './channel.js';
import { sqlFile } from './sql-file.js';

/** One migration: a version, what it does, and its statements for a given quoted schema. */
export interface Migration {
  version: number;
  description: string;
  statements(schema: string): string[];
}

/** Events per transaction: the low six decimal digits of a position number the events of one transaction. */
export const EVENTS_PER_TRANSACTION = 1_000_000;

const TABLES = (s: string): string[] => [
  `CREATE TABLE ${s}.streams (
  stream_id text COLLATE "C" PRIMARY KEY,
  revision bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
)`,
  // position = transaction id * 1,000,000 + ordinal of the event in its transaction: ordering by it is ordering by
  // (transaction_id, ordinal), the order that becomes final once the transaction id is below every open snapshot.
  `CREATE TABLE ${s}.events (
  position bigint NOT NULL,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text COLLATE "C" NOT NULL,
  revision bigint NOT NULL,
  event_id text COLLATE "C" NOT NULL,
  type text NOT NULL,
  schema_version integer NOT NULL,
  format text NOT NULL,
  compression text,
  data jsonb,
  data_bytes bytea,
  metadata jsonb,
  metadata_text text,
  "timestamp" timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_pkey PRIMARY KEY (stream_id, revision),
  CONSTRAINT events_event_id_key UNIQUE (stream_id, event_id),
  CONSTRAINT events_position_key UNIQUE (position),
  CONSTRAINT events_one_payload CHECK ((data IS NULL) <> (data_bytes IS NULL))
)`,
  `COMMENT ON COLUMN ${s}.events.position IS 'Global position: transaction id * 1000000 + ordinal in the transaction'`,
  `COMMENT ON COLUMN ${s}.events.data_bytes IS 'Binary payloads, and JSON text that jsonb cannot hold (e.g. \\u0000)'`,
];

// One round trip per commit: check and advance the head, insert every event from the arrays, and report the
// outcome as a row. A duplicate event id fails the statement on events_event_id_key, which rolls back the head
// update with it; the client maps that constraint to a 'duplicate' outcome. (An exception block would report it
// as a row, but would open a subtransaction on every commit, which costs more than the rare duplicate.)
const APPEND_FUNCTION = (s: string): string => `CREATE OR REPLACE FUNCTION ${s}.append_events(
  p_stream_id text,
  p_expected_kind integer,
  p_expected bigint,
  p_ids text[],
  p_types text[],
  p_schema_versions integer[],
  p_formats text[],
  p_compressions text[],
  p_data text[],
  p_data_bytes bytea[],
  p_metadata text[],
  p_metadata_text text[],
  p_timestamps timestamptz[]
) RETURNS TABLE (o_status integer, o_revision bigint, o_position bigint)
LANGUAGE plpgsql AS $append$
DECLARE
  v_count bigint := cardinality(p_ids);
  v_head bigint;
  v_ordinal bigint;
  v_first bigint;
BEGIN
  -- Several appends may share a transaction: the ordinal of the next event lives in a transaction-local setting.
  v_ordinal := coalesce(nullif(current_setting('streamstore.ordinal', true), '')::bigint, 0);
  IF v_ordinal + v_count > ${EVENTS_PER_TRANSACTION} THEN
    RAISE EXCEPTION 'streamstore: more than ${EVENTS_PER_TRANSACTION} events in one transaction'
      USING ERRCODE = 'program_limit_exceeded';
  END IF;
  v_first := pg_current_xact_id()::text::bigint * ${EVENTS_PER_TRANSACTION} + v_ordinal;
  IF p_expected_kind = 0 THEN -- any
    INSERT INTO ${s}.streams AS h (stream_id, revision) VALUES (p_stream_id, v_count)
    ON CONFLICT (stream_id) DO UPDATE SET revision = h.revision + v_count, updated_at = now()
    RETURNING h.revision - v_count INTO v_head;
  ELSIF p_expected_kind = 1 THEN -- no-stream
    INSERT INTO ${s}.streams AS h (stream_id, revision) VALUES (p_stream_id, v_count)
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING 0 INTO v_head;
  ELSE -- 2: stream-exists, 3: exactly p_expected
    UPDATE ${s}.streams AS h SET revision = h.revision + v_count, updated_at = now()
    WHERE h.stream_id = p_stream_id AND (p_expected_kind = 2 OR h.revision = p_expected)
    RETURNING h.revision - v_count INTO v_head;
  END IF;
  IF v_head IS NULL THEN
    RETURN QUERY SELECT 1, coalesce((SELECT h.revision FROM ${s}.streams h WHERE h.stream_id = p_stream_id), 0), NULL::bigint;
    RETURN;
  END IF;
  INSERT INTO ${s}.events (position, stream_id, revision, event_id, type, schema_version, format, compression,
                           data, data_bytes, metadata, metadata_text, "timestamp")
  SELECT v_first + e.ord - 1, p_stream_id, v_head + e.ord, e.id, e.type, e.schema_version, e.format, e.compression,
         e.data::jsonb, e.data_bytes, e.metadata::jsonb, e.metadata_text, e.ts
  FROM unnest(p_ids, p_types, p_schema_versions, p_formats, p_compressions, p_data, p_data_bytes, p_metadata,
              p_metadata_text, p_timestamps)
       WITH ORDINALITY AS e(id, type, schema_version, format, compression, data, data_bytes, metadata, metadata_text, ts, ord);
  PERFORM set_config('streamstore.ordinal', (v_ordinal + v_count)::text, true);
  RETURN QUERY SELECT 0, v_head + v_count, v_first + v_count - 1;
END
$append$`;

// Deletion checks the head under its row lock, like a commit, then drops the events and the head.
const DELETE_FUNCTION = (s: string): string => `CREATE OR REPLACE FUNCTION ${s}.delete_stream(
  p_stream_id text,
  p_expected_kind integer,
  p_expected bigint
) RETURNS TABLE (o_status integer, o_revision bigint)
LANGUAGE plpgsql AS $delete$
DECLARE
  v_head bigint;
BEGIN
  SELECT h.revision INTO v_head FROM ${s}.streams h WHERE h.stream_id = p_stream_id FOR UPDATE;
  v_head := coalesce(v_head, 0);
  IF NOT (p_expected_kind = 0
          OR (p_expected_kind = 1 AND v_head = 0)
          OR (p_expected_kind = 2 AND v_head > 0)
          OR (p_expected_kind = 3 AND v_head = p_expected)) THEN
    RETURN QUERY SELECT 1, v_head;
    RETURN;
  END IF;
  IF v_head = 0 THEN
    RETURN QUERY SELECT 2, 0::bigint;
    RETURN;
  END IF;
  DELETE FROM ${s}.events e WHERE e.stream_id = p_stream_id;
  DELETE FROM ${s}.streams h WHERE h.stream_id = p_stream_id;
  RETURN QUERY SELECT 0, v_head;
END
$delete$`;

// The category of a stream id, as the core's `categoryOf`: the first part of a composite id, where `\` escapes the
// next character (so `\-` is a `-` inside a part) and a lone trailing `\` is kept. The longest prefix made of plain
// characters and escape pairs (plus a trailing `\`) is the first part; then the escapes are removed.
const CATEGORY_FUNCTION = (s: string): string => String.raw`CREATE OR REPLACE FUNCTION ${s}.category_of(p_stream_id text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $category$
  SELECT regexp_replace(substring(p_stream_id FROM '^(?:[^\\-]|\\.)*\\?'), '\\(.)', '\1', 'g')
$category$`;

// Version 2 of append_events: also stores the category, and wakes listeners with NOTIFY. pg_notify's identical
// notifications are merged per transaction, so it costs one notification per commit. Setting streamstore.notify to
// 'off' (per database, role or session) turns it off: subscribers then only poll.
const APPEND_FUNCTION_V2 = (s: string): string => `CREATE OR REPLACE FUNCTION ${s}.append_events(
  p_stream_id text,
  p_expected_kind integer,
  p_expected bigint,
  p_ids text[],
  p_types text[],
  p_schema_versions integer[],
  p_formats text[],
  p_compressions text[],
  p_data text[],
  p_data_bytes bytea[],
  p_metadata text[],
  p_metadata_text text[],
  p_timestamps timestamptz[]
) RETURNS TABLE (o_status integer, o_revision bigint, o_position bigint)
LANGUAGE plpgsql AS $append$
DECLARE
  v_count bigint := cardinality(p_ids);
  v_head bigint;
  v_ordinal bigint;
  v_first bigint;
  v_category text := ${s}.category_of(p_stream_id);
BEGIN
  -- Several appends may share a transaction: the ordinal of the next event lives in a transaction-local setting.
  v_ordinal := coalesce(nullif(current_setting('streamstore.ordinal', true), '')::bigint, 0);
  IF v_ordinal + v_count > ${EVENTS_PER_TRANSACTION} THEN
    RAISE EXCEPTION 'streamstore: more than ${EVENTS_PER_TRANSACTION} events in one transaction'
      USING ERRCODE = 'program_limit_exceeded';
  END IF;
  v_first := pg_current_xact_id()::text::bigint * ${EVENTS_PER_TRANSACTION} + v_ordinal;
  IF p_expected_kind = 0 THEN -- any
    INSERT INTO ${s}.streams AS h (stream_id, revision) VALUES (p_stream_id, v_count)
    ON CONFLICT (stream_id) DO UPDATE SET revision = h.revision + v_count, updated_at = now()
    RETURNING h.revision - v_count INTO v_head;
  ELSIF p_expected_kind = 1 THEN -- no-stream
    INSERT INTO ${s}.streams AS h (stream_id, revision) VALUES (p_stream_id, v_count)
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING 0 INTO v_head;
  ELSE -- 2: stream-exists, 3: exactly p_expected
    UPDATE ${s}.streams AS h SET revision = h.revision + v_count, updated_at = now()
    WHERE h.stream_id = p_stream_id AND (p_expected_kind = 2 OR h.revision = p_expected)
    RETURNING h.revision - v_count INTO v_head;
  END IF;
  IF v_head IS NULL THEN
    RETURN QUERY SELECT 1, coalesce((SELECT h.revision FROM ${s}.streams h WHERE h.stream_id = p_stream_id), 0), NULL::bigint;
    RETURN;
  END IF;
  INSERT INTO ${s}.events (position, stream_id, revision, event_id, type, schema_version, format, compression,
                           data, data_bytes, metadata, metadata_text, "timestamp", category)
  SELECT v_first + e.ord - 1, p_stream_id, v_head + e.ord, e.id, e.type, e.schema_version, e.format, e.compression,
         e.data::jsonb, e.data_bytes, e.metadata::jsonb, e.metadata_text, e.ts, v_category
  FROM unnest(p_ids, p_types, p_schema_versions, p_formats, p_compressions, p_data, p_data_bytes, p_metadata,
              p_metadata_text, p_timestamps)
       WITH ORDINALITY AS e(id, type, schema_version, format, compression, data, data_bytes, metadata, metadata_text, ts, ord);
  PERFORM set_config('streamstore.ordinal', (v_ordinal + v_count)::text, true);
  IF v_count > 0 AND current_setting('streamstore.notify', true) IS DISTINCT FROM 'off' THEN
    PERFORM pg_notify('${appendsChannel(unquote(s))}', '');
  END IF;
  RETURN QUERY SELECT 0, v_head + v_count, v_first + v_count - 1;
END
$append$`;

// The category column is backfilled in SQL (the table is locked by the ALTER for the migration's duration), then
// made NOT NULL and indexed with the position, so a category read walks one index range in position order.
const CATEGORY_COLUMN = (s: string): string[] => [
  CATEGORY_FUNCTION(s),
  `ALTER TABLE ${s}.events ADD COLUMN category text COLLATE "C"`,
  `UPDATE ${s}.events SET category = ${s}.category_of(stream_id)`,
  `ALTER TABLE ${s}.events ALTER COLUMN category SET NOT NULL`,
  `CREATE INDEX events_category_position ON ${s}.events (category, position)`,
  APPEND_FUNCTION_V2(s),
];

// Consumers' state in the store's schema, so a handler can update its read model and its checkpoint in one
// transaction. Consumer locks are advisory locks: they need no table.
const CONSUMER_TABLES = (s: string): string[] => [
  `CREATE TABLE ${s}.checkpoints (
  consumer text COLLATE "C" PRIMARY KEY,
  checkpoint text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)`,
  `CREATE TABLE ${s}.dead_letters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  consumer text COLLATE "C" NOT NULL,
  stream_id text COLLATE "C" NOT NULL,
  revision bigint NOT NULL,
  position text,
  event_id text NOT NULL,
  type text NOT NULL,
  error text NOT NULL,
  attempts integer NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now()
)`,
  `CREATE INDEX dead_letters_consumer ON ${s}.dead_letters (consumer, id)`,
];

/** Advisory lock class of a store's appends (first key of the two-key lock; the second is hashtext(schema name)). */
export const APPEND_LOCK_CLASS = 0x5354_5241; // "STRA"

/** The schema name inside a quoted identifier, as an SQL string literal (for hashing it in the functions). */
const schemaLiteral = (s: string): string => `'${unquote(s).replaceAll("'", "''")}'`;

// Version 3 of append_events: before the transaction gets its id, it takes the store's append lock (shared, so
// appends never wait for each other), held until the transaction ends. Readers of the log (log_horizon) look for the
// holders of that lock: a transaction that can still add events to this store either holds it now, or will get
// its id only after taking it. The order is asserted: a transaction whose id was assigned before its first append
// to this store (it wrote something else first) is refused, since readers could not see it coming. The ordinal of
// the next event now lives in a per-store transaction-local setting, which also tells a later append of the same
// transaction that the lock is already held (stores whose names hash alike share lock and setting: harmless).
const APPEND_FUNCTION_V3 = (s: string): string => `CREATE OR REPLACE FUNCTION ${s}.append_events(
  p_stream_id text,
  p_expected_kind integer,
  p_expected bigint,
  p_ids text[],
  p_types text[],
  p_schema_versions integer[],
  p_formats text[],
  p_compressions text[],
  p_data text[],
  p_data_bytes bytea[],
  p_metadata text[],
  p_metadata_text text[],
  p_timestamps timestamptz[]
) RETURNS TABLE (o_status integer, o_revision bigint, o_position bigint)
LANGUAGE plpgsql AS $append$
DECLARE
  v_count bigint := cardinality(p_ids);
  v_store integer := hashtext(${schemaLiteral(s)});
  v_setting text := 'streamstore.ordinal_' || to_hex(v_store);
  v_ordinal bigint := nullif(current_setting(v_setting, true), '')::bigint;
  v_head bigint;
  v_first bigint;
  v_category text := ${s}.category_of(p_stream_id);
BEGIN
  IF v_ordinal IS NULL THEN
    -- First append to this store in this transaction: the lock must come before the transaction id.
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
      RAISE EXCEPTION 'streamstore: append_events must be the first write of its transaction (for this store)'
        USING ERRCODE = 'invalid_transaction_state',
              HINT = 'Readers of the global log only wait for transactions that took the store''s append lock before getting a transaction id.';
    END IF;
    PERFORM pg_advisory_xact_lock_shared(${APPEND_LOCK_CLASS}, v_store);
    v_ordinal := 0;
    PERFORM set_config(v_setting, '0', true);
  END IF;
  IF v_ordinal + v_count > ${EVENTS_PER_TRANSACTION} THEN
    RAISE EXCEPTION 'streamstore: more than ${EVENTS_PER_TRANSACTION} events in one transaction'
      USING ERRCODE = 'program_limit_exceeded';
  END IF;
  v_first := pg_current_xact_id()::text::bigint * ${EVENTS_PER_TRANSACTION} + v_ordinal;
  IF p_expected_kind = 0 THEN -- any
    INSERT INTO ${s}.streams AS h (stream_id, revision) VALUES (p_stream_id, v_count)
    ON CONFLICT (stream_id) DO UPDATE SET revision = h.revision + v_count, updated_at = now()
    RETURNING h.revision - v_count INTO v_head;
  ELSIF p_expected_kind = 1 THEN -- no-stream
    INSERT INTO ${s}.streams AS h (stream_id, revision) VALUES (p_stream_id, v_count)
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING 0 INTO v_head;
  ELSE -- 2: stream-exists, 3: exactly p_expected
    UPDATE ${s}.streams AS h SET revision = h.revision + v_count, updated_at = now()
    WHERE h.stream_id = p_stream_id AND (p_expected_kind = 2 OR h.revision = p_expected)
    RETURNING h.revision - v_count INTO v_head;
  END IF;
  IF v_head IS NULL THEN
    RETURN QUERY SELECT 1, coalesce((SELECT h.revision FROM ${s}.streams h WHERE h.stream_id = p_stream_id), 0), NULL::bigint;
    RETURN;
  END IF;
  INSERT INTO ${s}.events (position, stream_id, revision, event_id, type, schema_version, format, compression,
                           data, data_bytes, metadata, metadata_text, "timestamp", category)
  SELECT v_first + e.ord - 1, p_stream_id, v_head + e.ord, e.id, e.type, e.schema_version, e.format, e.compression,
         e.data::jsonb, e.data_bytes, e.metadata::jsonb, e.metadata_text, e.ts, v_category
  FROM unnest(p_ids, p_types, p_schema_versions, p_formats, p_compressions, p_data, p_data_bytes, p_metadata,
              p_metadata_text, p_timestamps)
       WITH ORDINALITY AS e(id, type, schema_version, format, compression, data, data_bytes, metadata, metadata_text, ts, ord);
  PERFORM set_config(v_setting, (v_ordinal + v_count)::text, true);
  IF v_count > 0 AND current_setting('streamstore.notify', true) IS DISTINCT FROM 'off' THEN
    PERFORM pg_notify('${appendsChannel(unquote(s))}', '');
  END IF;
  RETURN QUERY SELECT 0, v_head + v_count, v_first + v_count - 1;
END
$append$`;

// Version 4 of append_events: the same, plus `p_notify` (default true, so SQL callers keep the NOTIFY). A NOTIFY in
// the writing transaction takes PostgreSQL's cluster-wide notify lock at commit and holds it through the WAL flush,
// which serialises every concurrent commit that notifies (8 writers of 1-event commits ran at 0.38x of plain inserts
// with it, 0.62x without). The storage passes false and sends the wake-up itself after the commit, coalesced (see
// AppendNotifier). Built from version 3's text, which must stay byte-identical for its checksum.
const APPEND_FUNCTION_V4 = (s: string): string => {
  const v3 = APPEND_FUNCTION_V3(s);
  const v4 = v3
    .replace('  p_timestamps timestamptz[]\n)', '  p_timestamps timestamptz[],\n  p_notify boolean DEFAULT true\n)')
    .replace('IF v_count > 0 AND current_setting(', 'IF v_count > 0 AND p_notify AND current_setting(');
  if (v4.split('p_notify').length !== 3) throw new Error('append_events v4: version 3 text changed');
  return v4;
};

// Version 5 of append_events: a refused check is decided again on the head as it is now. Under READ COMMITTED the
// head statement judges the head on its own snapshot: an UPDATE cannot see a stream created by a transaction that
// commits while it runs, and the INSERT of 'no-stream' can meet a head deleted just after its conflict check. The
// conflict used to report the revision read by a later statement, which could satisfy the very expectation it
// refused ('stream-exists' refused with actual 1: seen by the kit's linearizability check). Now a conflict always
// reports the revision it was decided on; when that revision satisfies the expectation, the head statement runs
// again on a fresh snapshot. Built from version 4's text.
const APPEND_FUNCTION_V5 = (s: string): string => {
  const v4 = APPEND_FUNCTION_V4(s);
  const start = v4.indexOf('  IF p_expected_kind = 0 THEN -- any\n');
  const refusal = `  IF v_head IS NULL THEN
    RETURN QUERY SELECT 1, coalesce((SELECT h.revision FROM ${s}.streams h WHERE h.stream_id = p_stream_id), 0), NULL::bigint;
    RETURN;
  END IF;
`;
  const end = v4.indexOf(refusal);
  if (start < 0 || end < start) throw new Error('append_events v5: version 4 text changed');
  const headStatement = v4
    .slice(start, end)
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
  const decided = `  LOOP
${headStatement}    EXIT WHEN v_head IS NOT NULL;
    v_actual := coalesce((SELECT h.revision FROM ${s}.streams h WHERE h.stream_id = p_stream_id), 0);
    IF NOT ((p_expected_kind = 1 AND v_actual = 0)
            OR (p_expected_kind = 2 AND v_actual > 0)
            OR (p_expected_kind = 3 AND v_actual = p_expected)) THEN
      RETURN QUERY SELECT 1, v_actual, NULL::bigint;
      RETURN;
    END IF;
    v_rechecks := v_rechecks + 1;
    IF v_rechecks > ${HEAD_RECHECKS} THEN
      RAISE EXCEPTION 'streamstore: the head of stream % kept changing under its check', p_stream_id
        USING ERRCODE = 'serialization_failure';
    END IF;
  END LOOP;
`;
  return `${v4.slice(0, start)}${decided}${v4.slice(end + refusal.length)}`.replace(
    '  v_head bigint;\n',
    '  v_head bigint;\n  v_actual bigint;\n  v_rechecks integer := 0;\n',
  );
};

/** How many times append_events decides again before giving up with a serialization failure (a retryable error). */
const HEAD_RECHECKS = 100;

/** The argument types of append_events up to version 3 (dropped by version 4, which adds an argument). */
const APPEND_ARGUMENTS_V3 =
  'text, integer, bigint, text[], text[], integer[], text[], text[], text[], bytea[], text[], text[], timestamptz[]';

// The horizon of the global log: the lowest transaction id that may still commit events into THIS store. Events of
// lower transactions are final: a reader hands out exactly the events with position < horizon * 1e6, a prefix of the
// log in position order. It is computed from the store's own appenders (the holders of its append lock), not from
// the cluster-wide xmin, so a long transaction elsewhere (another store, database or application) holds nothing back.
// Each statement of a VOLATILE function takes a fresh snapshot under READ COMMITTED, in this order:
//   (a) next := xmax of a snapshot (latest completed id + 1): no transaction id assigned later is below it;
//   (b) one read of the lock table (pg_locks is one call of pg_lock_status: a consistent view of the main lock
//       table, where advisory and transaction id locks live): the append lock holders and their transaction ids;
//   (c) horizon := least(their ids, next);
//   (d) the caller's events query, a later statement, hence a snapshot taken after (b).
// Why no event is ever handed out before a lower position can still commit: take a writer W of this store that has
// not committed by (d)'s snapshot. Either W held the lock at (b), and the horizon is at most its id; or W took the
// lock after (b) (locks are released only after the commit is visible, so a W that held it earlier has committed),
// and append_events asserts that W gets its id after taking the lock: its id is then at least next, at least the
// horizon. Either way W's events lie at or above the horizon, and so do no handed-out events.
// A holder with no transaction id lock yet is between taking the lock and registering its id (microseconds): its id
// is then read from its backend (pg_stat_get_activity, after (b)); an id assigned after (b) is above next anyway.
// Transaction ids in pg_locks are 32 bits: a live one is within 2^31 of next, which gives its epoch.
// Under REPEATABLE READ or SERIALIZABLE the events query sees the transaction's first snapshot, taken before (a): the
// horizon is then also capped by that snapshot's xmin (the cluster-wide rule, correct for a fixed snapshot).
const LOG_HORIZON_FUNCTION = (s: string): string => `CREATE OR REPLACE FUNCTION ${s}.log_horizon()
RETURNS bigint LANGUAGE plpgsql VOLATILE AS $horizon$
DECLARE
  v_store integer := hashtext(${schemaLiteral(s)});
  v_next bigint;
  v_oldest bigint;
  v_unregistered integer[];
BEGIN
  v_next := pg_snapshot_xmax(pg_current_snapshot())::text::bigint; -- (a)
  WITH locks AS MATERIALIZED ( -- (b): pg_locks read once
    SELECT l.locktype, l.virtualtransaction, l.pid, l.transactionid::text::bigint AS xid32
    FROM pg_catalog.pg_locks l
    WHERE (l.locktype = 'advisory' AND l.classid = ${APPEND_LOCK_CLASS}::oid AND l.objid = v_store::oid AND l.objsubid = 2
           AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database()))
       OR (l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted)
  ), holders AS (
    SELECT h.pid, min(v_next + ((x.xid32 - v_next + 2147483648) & 4294967295) - 2147483648) AS xid
    FROM locks h LEFT JOIN locks x ON x.locktype = 'transactionid' AND x.virtualtransaction = h.virtualtransaction
    WHERE h.locktype = 'advisory'
    GROUP BY h.virtualtransaction, h.pid
  )
  SELECT min(xid), array_agg(pid) FILTER (WHERE xid IS NULL AND pid IS NOT NULL)
  INTO v_oldest, v_unregistered FROM holders;
  IF v_unregistered IS NOT NULL THEN
    PERFORM pg_stat_clear_snapshot(); -- backend states as of now, not as cached earlier in this transaction
    SELECT least(v_oldest, min(v_next + ((a.backend_xid::text::bigint - v_next + 2147483648) & 4294967295) - 2147483648))
    INTO v_oldest
    FROM unnest(v_unregistered) AS u(pid), LATERAL pg_stat_get_activity(u.pid) AS a
    WHERE a.backend_xid IS NOT NULL;
  END IF;
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    v_oldest := least(v_oldest, pg_snapshot_xmin(pg_current_snapshot())::text::bigint);
  END IF;
  RETURN least(v_oldest, v_next); -- (c)
END
$horizon$`;

// A page of the log: (d) of log_horizon, the events with transaction_id < horizon (the same as position < horizon
// * 1e6: a prefix of the log). The horizon is a filter, not a second bound of the index range: with a bound known
// only at run time, a cached generic plan guesses the range at 0.5% of the table and may pick a bitmap scan and a
// sort of everything after the checkpoint (tens of ms per page on a fresh log); "position > p_after" alone keeps
// the walk of the position (or category, position) index in order, stopping at the LIMIT.
// Read your writes: every transaction committed before the call has an id below the xmax taken first (the
// target); when events of such transactions are held back by an append of this store still in flight with a lower
// id, and the page is not full without them, the function waits for that append (every 2 ms, at most p_wait_ms) —
// usually a commit a few milliseconds from its end. Commits that come during the wait do not prolong it.
const LOG_READ_FUNCTION = (s: string, name: string, parameters: string, filter: string): string =>
  `CREATE OR REPLACE FUNCTION ${s}.${name}(${parameters}p_after bigint, p_limit integer, p_wait_ms integer)
RETURNS SETOF ${s}.events LANGUAGE plpgsql VOLATILE AS $read$
DECLARE
  v_target xid8 := pg_snapshot_xmax(pg_current_snapshot());
  v_deadline timestamptz := clock_timestamp() + p_wait_ms * interval '1 millisecond';
  v_horizon xid8;
BEGIN
  LOOP
    v_horizon := ${s}.log_horizon()::text::xid8;
    EXIT WHEN v_horizon >= v_target OR p_limit <= 0 OR clock_timestamp() >= v_deadline;
    EXIT WHEN NOT EXISTS (SELECT 1 FROM ${s}.events e WHERE ${filter}e.position > p_after
                            AND e.position >= v_horizon::text::bigint * ${EVENTS_PER_TRANSACTION}
                            AND e.position < v_target::text::bigint * ${EVENTS_PER_TRANSACTION});
    EXIT WHEN EXISTS (SELECT 1 FROM ${s}.events e WHERE ${filter}e.position > p_after AND e.transaction_id < v_horizon
                      ORDER BY e.position OFFSET p_limit - 1 LIMIT 1);
    PERFORM pg_sleep(0.002);
  END LOOP;
  RETURN QUERY SELECT e.* FROM ${s}.events e
    WHERE ${filter}e.position > p_after AND e.transaction_id < v_horizon ORDER BY e.position LIMIT p_limit;
END
$read$`;

const LOG_READ_FUNCTIONS = (s: string): string[] => [
  LOG_READ_FUNCTION(s, 'read_all', '', ''),
  LOG_READ_FUNCTION(s, 'read_category', 'p_category text, ', 'e.category = p_category AND '),
];

/** Every migration, oldest first. Never edit an applied one: add a new version (checksums catch edits). */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'streams (heads) and events tables, append_events and delete_stream functions',
    statements: (s) => [...TABLES(s), APPEND_FUNCTION(s), DELETE_FUNCTION(s)],
  },
  {
    version: 2,
    description: 'events.category (backfilled, indexed with position) for category reads; append_events notifies listeners',
    statements: CATEGORY_COLUMN,
  },
  {
    version: 3,
    description: 'checkpoints and dead_letters tables for subscriptions',
    statements: CONSUMER_TABLES,
  },
  {
    version: 4,
    description:
      'global log horizon per store: append_events takes the store append lock first; read_all, read_category, log_horizon',
    statements: (s) => [APPEND_FUNCTION_V3(s), LOG_HORIZON_FUNCTION(s), ...LOG_READ_FUNCTIONS(s)],
  },
  {
    version: 5,
    description: 'append_events(..., p_notify): the storage wakes listeners after the commit instead of inside it',
    statements: (s) => [`DROP FUNCTION ${s}.append_events(${APPEND_ARGUMENTS_V3})`, APPEND_FUNCTION_V4(s)],
  },
  {
    version: 6,
    description: 'append_events: a refused expectation is checked again on the current head (no self-contradicting conflicts)',
    statements: (s) => [APPEND_FUNCTION_V5(s)],
  },
  {
    version: 7,
    description: "append_events: a stream lock before the transaction id keeps each stream's events in revision order in the log",
    statements: (s) => [sqlFile('0007_append_events_stream_order.sql', s)],
  },
  {
    version: 8,
    description:
      'append_events_group: commits that arrive together in one statement and one transaction, each with its own outcome',
    statements: (s) => [sqlFile('0008_append_events_group.sql', s)],
  },
  {
    version: 9,
    description:
      'transactions: append_events_tx (a savepoint per append; a transaction that wrote first numbers its events after the append lock), append_events hands such transactions to it, append_many',
    statements: (s) => [
      sqlFile('0009_1_append_events_tx.sql', s),
      sqlFile('0009_2_append_events_late.sql', s),
      sqlFile('0009_3_append_many.sql', s),
    ],
  },
];

const CHECKSUM_PLACEHOLDER = '"<schema>"';

/** SHA-256 of a migration's statement templates (independent of the schema name). */
export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.statements(CHECKSUM_PLACEHOLDER).join(';\n')).digest('hex');
}

/** The version table, created before any migration runs. */
export function versionTableStatement(s: string): string {
  return `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
  version integer PRIMARY KEY,
  description text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;
}
