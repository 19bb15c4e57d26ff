CREATE FUNCTION {{schema}}.set_stream_metadata(
  p_stream_id text,
  p_expected bigint,
  p_metadata json
) RETURNS TABLE (o_status integer, o_revision bigint, o_appended boolean)
LANGUAGE plpgsql AS $metadata$
DECLARE
  v_store integer := hashtext({{schema_literal}});
  v_setting text := 'streamstore.ordinal_' || to_hex(v_store);
  v_ordinal bigint := nullif(current_setting(v_setting, true), '')::bigint;
  v_truncate bigint := (p_metadata ->> 'truncateBefore')::bigint;
  v_previous json;
  v_revision bigint;
  v_event bigint;
BEGIN
  IF v_ordinal IS NULL AND pg_current_xact_id_if_assigned() IS NULL THEN
    PERFORM pg_advisory_xact_lock_shared(1398035009, v_store);
    v_ordinal := 0;
    PERFORM set_config(v_setting, '0', true);
  END IF;
  PERFORM pg_advisory_xact_lock(1398035027, hashtext({{schema_literal}} || '/' || p_stream_id));
  LOOP
    SELECT m.revision, m.metadata INTO v_revision, v_previous
    FROM {{schema}}.stream_metadata m WHERE m.stream_id = p_stream_id FOR UPDATE;
    IF NOT FOUND THEN
      IF p_expected IS NOT NULL AND p_expected <> 0 THEN
        RETURN QUERY SELECT 1, 0::bigint, false;
        RETURN;
      END IF;
      INSERT INTO {{schema}}.stream_metadata (stream_id, revision, metadata)
        VALUES (p_stream_id, 1, p_metadata)
        ON CONFLICT (stream_id) DO NOTHING;
      IF NOT FOUND THEN
        CONTINUE;
      END IF;
      v_revision := 0;
      EXIT;
    END IF;
    IF p_expected IS NOT NULL AND p_expected <> v_revision THEN
      RETURN QUERY SELECT 1, v_revision, false;
      RETURN;
    END IF;
    UPDATE {{schema}}.stream_metadata m
      SET revision = v_revision + 1, metadata = p_metadata, updated_at = now()
      WHERE m.stream_id = p_stream_id;
    EXIT;
  END LOOP;
  IF v_truncate IS NOT DISTINCT FROM (v_previous ->> 'truncateBefore')::bigint THEN
    RETURN QUERY SELECT 0, v_revision + 1, false;
    RETURN;
  END IF;
  IF v_ordinal IS NULL THEN
    RAISE EXCEPTION 'streamstore: a set_stream_metadata that changes truncateBefore must be the first write of its transaction (for this store)'
      USING ERRCODE = 'invalid_transaction_state';
  END IF;
  SELECT coalesce(min(e.revision), 0) - 1 INTO v_event
  FROM {{schema}}.events e WHERE e.stream_id = p_stream_id AND e.revision < 1;
  INSERT INTO {{schema}}.events (position, stream_id, revision, event_id, type, schema_version, format, compression,
                                 data, data_bytes, metadata, metadata_text, "timestamp", category)
  VALUES (pg_current_xact_id()::text::bigint * 1000000 + v_ordinal, p_stream_id, v_event, gen_random_uuid()::text,
          '$streamTruncated', 1, 'json', NULL,
          jsonb_build_object('streamId', p_stream_id, 'truncateBefore', v_truncate,
                             'previousTruncateBefore', (v_previous ->> 'truncateBefore')::bigint),
          NULL, NULL, NULL, date_trunc('milliseconds', now()), {{schema}}.category_of(p_stream_id));
  PERFORM set_config(v_setting, (v_ordinal + 1)::text, true);
  RETURN QUERY SELECT 0, v_revision + 1, true;
END
$metadata$
