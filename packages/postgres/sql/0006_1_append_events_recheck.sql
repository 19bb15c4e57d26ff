CREATE OR REPLACE FUNCTION {{schema}}.append_events(
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
LANGUAGE plpgsql AS $append$
DECLARE
  v_count bigint := cardinality(p_ids);
  v_store integer := hashtext({{schema_literal}});
  v_setting text := 'streamstore.ordinal_' || to_hex(v_store);
  v_ordinal bigint := nullif(current_setting(v_setting, true), '')::bigint;
  v_head bigint;
  v_actual bigint;
  v_rechecks integer := 0;
  v_first bigint;
  v_category text := {{schema}}.category_of(p_stream_id);
BEGIN
  IF v_ordinal IS NULL THEN
    -- First append to this store in this transaction: the lock must come before the transaction id.
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
      RAISE EXCEPTION 'streamstore: append_events must be the first write of its transaction (for this store)'
        USING ERRCODE = 'invalid_transaction_state',
              HINT = 'Readers of the global log only wait for transactions that took the store''s append lock before getting a transaction id.';
    END IF;
    PERFORM pg_advisory_xact_lock_shared(1398035009, v_store);
    v_ordinal := 0;
    PERFORM set_config(v_setting, '0', true);
  END IF;
  IF v_ordinal + v_count > 1000000 THEN
    RAISE EXCEPTION 'streamstore: more than 1000000 events in one transaction'
      USING ERRCODE = 'program_limit_exceeded';
  END IF;
  v_first := pg_current_xact_id()::text::bigint * 1000000 + v_ordinal;
  LOOP
    IF p_expected_kind = 0 THEN -- any
      INSERT INTO {{schema}}.streams AS h (stream_id, revision) VALUES (p_stream_id, v_count)
      ON CONFLICT (stream_id) DO UPDATE SET revision = h.revision + v_count, updated_at = now()
      RETURNING h.revision - v_count INTO v_head;
    ELSIF p_expected_kind = 1 THEN -- no-stream
      INSERT INTO {{schema}}.streams AS h (stream_id, revision) VALUES (p_stream_id, v_count)
      ON CONFLICT (stream_id) DO NOTHING
      RETURNING 0 INTO v_head;
    ELSE -- 2: stream-exists, 3: exactly p_expected
      UPDATE {{schema}}.streams AS h SET revision = h.revision + v_count, updated_at = now()
      WHERE h.stream_id = p_stream_id AND (p_expected_kind = 2 OR h.revision = p_expected)
      RETURNING h.revision - v_count INTO v_head;
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
  INSERT INTO {{schema}}.events (position, stream_id, revision, event_id, type, schema_version, format, compression,
                           data, data_bytes, metadata, metadata_text, "timestamp", category)
  SELECT v_first + e.ord - 1, p_stream_id, v_head + e.ord, e.id, e.type, e.schema_version, e.format, e.compression,
         e.data::jsonb, e.data_bytes, e.metadata::jsonb, e.metadata_text, e.ts, v_category
  FROM unnest(p_ids, p_types, p_schema_versions, p_formats, p_compressions, p_data, p_data_bytes, p_metadata,
              p_metadata_text, p_timestamps)
       WITH ORDINALITY AS e(id, type, schema_version, format, compression, data, data_bytes, metadata, metadata_text, ts, ord);
  PERFORM set_config(v_setting, (v_ordinal + v_count)::text, true);
  IF v_count > 0 AND p_notify AND current_setting('streamstore.notify', true) IS DISTINCT FROM 'off' THEN
    PERFORM pg_notify({{appends_channel}}, '');
  END IF;
  RETURN QUERY SELECT 0, v_head + v_count, v_first + v_count - 1;
END
$append$