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
  IF v_ordinal + v_count > 1000000 THEN
    RAISE EXCEPTION 'streamstore: more than 1000000 events in one transaction'
      USING ERRCODE = 'program_limit_exceeded';
  END IF;
  v_first := pg_current_xact_id()::text::bigint * 1000000 + v_ordinal;
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
  IF v_head IS NULL THEN
    RETURN QUERY SELECT 1, coalesce((SELECT h.revision FROM {{schema}}.streams h WHERE h.stream_id = p_stream_id), 0), NULL::bigint;
    RETURN;
  END IF;
  INSERT INTO {{schema}}.events (position, stream_id, revision, event_id, type, schema_version, format, compression,
                           data, data_bytes, metadata, metadata_text, "timestamp")
  SELECT v_first + e.ord - 1, p_stream_id, v_head + e.ord, e.id, e.type, e.schema_version, e.format, e.compression,
         e.data::jsonb, e.data_bytes, e.metadata::jsonb, e.metadata_text, e.ts
  FROM unnest(p_ids, p_types, p_schema_versions, p_formats, p_compressions, p_data, p_data_bytes, p_metadata,
              p_metadata_text, p_timestamps)
       WITH ORDINALITY AS e(id, type, schema_version, format, compression, data, data_bytes, metadata, metadata_text, ts, ord);
  PERFORM set_config('streamstore.ordinal', (v_ordinal + v_count)::text, true);
  RETURN QUERY SELECT 0, v_head + v_count, v_first + v_count - 1;
END
$append$