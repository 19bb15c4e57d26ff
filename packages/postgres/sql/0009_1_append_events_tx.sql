-- Migration 9: transactions. append_events_tx is the append inside an application's transaction: a savepoint of its
-- own (a duplicate id is a row with status 2 and leaves the transaction usable), and it lifts "the append must be the
-- first write of its transaction": a transaction whose id was assigned before it took the store's append lock numbers
-- its events with a subtransaction id taken after the lock (see its comments and docs/transactions.md).
-- append_events hands such transactions to it instead of refusing them. append_many is store.appendMany.
-- Placeholders: {{schema}} (quoted identifier), {{schema_literal}} (the schema name as a string literal),
-- {{appends_channel}} (the NOTIFY channel as a string literal). Its three statements are in 0009_1 (append_events_tx), 0009_2 (append_events) and 0009_3 (append_many).
CREATE OR REPLACE FUNCTION {{schema}}.append_events_tx(
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
  p_timestamps timestamptz[],
  p_notify boolean DEFAULT true
) RETURNS TABLE (o_status integer, o_revision bigint, o_position bigint)
LANGUAGE plpgsql AS $append_tx$
DECLARE
  v_count bigint := cardinality(p_ids);
  v_store integer := hashtext({{schema_literal}});
  v_setting text := 'streamstore.ordinal_' || to_hex(v_store);
  v_ordinal bigint := nullif(current_setting(v_setting, true), '')::bigint;
  v_late_setting text := 'streamstore.late_' || to_hex(v_store);
  v_base_setting text := 'streamstore.base_' || to_hex(v_store);
  v_late boolean := current_setting(v_late_setting, true) IS NOT DISTINCT FROM 'on';
  v_base bigint := nullif(current_setting(v_base_setting, true), '')::bigint;
  v_xmin xid;
  v_top bigint;
  v_constraint text;
  v_head bigint;
  v_actual bigint;
  v_rechecks integer := 0;
  v_had_id boolean;
  v_first bigint;
  v_category text := {{schema}}.category_of(p_stream_id);
BEGIN
  IF v_ordinal IS NULL THEN
    -- First append to this store in this transaction. Readers of the log (log_horizon) wait for the holders of the
    -- store's append lock, and count on every later holder to number its events above what they have read: true of a
    -- transaction id assigned after the lock. A transaction that wrote before (the application's own statements) has
    -- an older id: it is "late", and numbers its events with a subtransaction id assigned after the lock (below).
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
      v_late := true;
      PERFORM set_config(v_late_setting, 'on', true);
    END IF;
    PERFORM pg_advisory_xact_lock_shared(1398035009, v_store);
    v_ordinal := 0;
    PERFORM set_config(v_setting, '0', true);
  END IF;
  IF v_ordinal + v_count > 1000000 THEN
    RAISE EXCEPTION 'streamstore: more than 1000000 events in one transaction'
      USING ERRCODE = 'program_limit_exceeded';
  END IF;
  -- Per-stream order in the global log: commits to one stream must get their positions (transaction ids) in the order
  -- in which they take the stream's head. The head's row lock cannot give that: the update that takes it assigns the
  -- transaction id before it waits. So a stream lock that needs no transaction id is taken first, and a transaction
  -- whose id was assigned before it (an earlier append in the same transaction) is checked after the head update.
  v_had_id := pg_current_xact_id_if_assigned() IS NOT NULL;
  PERFORM pg_advisory_xact_lock(1398035027, hashtext({{schema_literal}} || '/' || p_stream_id));
  IF v_base IS NULL AND NOT v_late THEN
    v_base := pg_current_xact_id()::text::bigint;
    PERFORM set_config(v_base_setting, v_base::text, true);
  END IF;
  -- A subtransaction (a savepoint): a duplicate id rolls back this append alone and is reported as a row, so the
  -- caller's transaction stays usable; and its first write gives a late transaction a fresh id.
  BEGIN
  LOOP
    IF p_expected_kind = 0 THEN -- any
      INSERT INTO {{schema}}.streams AS h (stream_id, revision) VALUES (p_stream_id, v_count)
      ON CONFLICT (stream_id) DO UPDATE SET revision = h.revision + v_count, updated_at = now()
      RETURNING h.revision - v_count, h.xmin INTO v_head, v_xmin;
    ELSIF p_expected_kind = 1 THEN -- no-stream
      INSERT INTO {{schema}}.streams AS h (stream_id, revision) VALUES (p_stream_id, v_count)
      ON CONFLICT (stream_id) DO NOTHING
      RETURNING 0, h.xmin INTO v_head, v_xmin;
    ELSE -- 2: stream-exists, 3: exactly p_expected
      UPDATE {{schema}}.streams AS h SET revision = h.revision + v_count, updated_at = now()
      WHERE h.stream_id = p_stream_id AND (p_expected_kind = 2 OR h.revision = p_expected)
      RETURNING h.revision - v_count, h.xmin INTO v_head, v_xmin;
    END IF;
    EXIT WHEN v_head IS NOT NULL;
    v_actual := coalesce((SELECT h.revision FROM {{schema}}.streams h WHERE h.stream_id = p_stream_id), 0);
    IF NOT ((p_expected_kind = 1 AND v_actual = 0)
            OR (p_expected_kind = 2 AND v_actual > 0)
            OR (p_expected_kind = 3 AND v_actual = p_expected)) THEN
      RETURN QUERY SELECT 1, v_actual, NULL::bigint;
      RETURN;
    END IF;
    v_rechecks := v_rechecks + 1;
    IF v_rechecks > 100 THEN
      RAISE EXCEPTION 'streamstore: the head of stream % kept changing under its check', p_stream_id
        USING ERRCODE = 'serialization_failure';
    END IF;
  END LOOP;
  IF v_base IS NULL THEN
    -- A late transaction's first append: the head row just written carries the subtransaction's id, assigned after the
    -- store's append lock and the stream's lock, so above every horizon a reader has computed so far. It is one of
    -- this transaction's ids (no other transaction numbers events with it), and its 64-bit form follows from the
    -- transaction's own: it was assigned later, less than 2^31 ids on.
    v_top := pg_current_xact_id()::text::bigint;
    v_base := v_top + ((v_xmin::text::bigint - v_top) & 4294967295);
  END IF;
  v_first := v_base * 1000000 + v_ordinal;
  IF v_had_id AND v_head > 0 AND (SELECT e.position FROM {{schema}}.events e
                                   WHERE e.stream_id = p_stream_id AND e.revision = v_head) > v_first THEN
    RAISE EXCEPTION 'streamstore: a later transaction appended to stream % first; retry this transaction', p_stream_id
      USING ERRCODE = 'serialization_failure';
  END IF;
  INSERT INTO {{schema}}.events (position, transaction_id, stream_id, revision, event_id, type, schema_version, format, compression,
                           data, data_bytes, metadata, metadata_text, "timestamp", category)
  SELECT v_first + e.ord - 1, v_base::text::xid8, p_stream_id, v_head + e.ord, e.id, e.type, e.schema_version, e.format, e.compression,
         e.data::jsonb, e.data_bytes, e.metadata::jsonb, e.metadata_text, e.ts, v_category
  FROM unnest(p_ids, p_types, p_schema_versions, p_formats, p_compressions, p_data, p_data_bytes, p_metadata,
              p_metadata_text, p_timestamps)
       WITH ORDINALITY AS e(id, type, schema_version, format, compression, data, data_bytes, metadata, metadata_text, ts, ord);
  EXCEPTION WHEN unique_violation THEN
    GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
    IF v_constraint IS DISTINCT FROM 'events_event_id_key' THEN
      RAISE;
    END IF;
    RETURN QUERY SELECT 2, v_head, NULL::bigint;
    RETURN;
  END;
  IF v_late THEN
    PERFORM set_config(v_base_setting, v_base::text, true);
  END IF;
  PERFORM set_config(v_setting, (v_ordinal + v_count)::text, true);
  IF v_count > 0 AND p_notify AND current_setting('streamstore.notify', true) IS DISTINCT FROM 'off' THEN
    PERFORM pg_notify({{appends_channel}}, '');
  END IF;
  RETURN QUERY SELECT 0, v_head + v_count, v_first + v_count - 1;
END
$append_tx$
