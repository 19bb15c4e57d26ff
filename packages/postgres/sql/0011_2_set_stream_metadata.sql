CREATE OR REPLACE FUNCTION {{schema}}.set_stream_metadata(
  p_stream_id text,
  p_expected bigint,
  p_metadata json
) RETURNS TABLE (o_status integer, o_revision bigint)
LANGUAGE plpgsql AS $metadata$
DECLARE
  v_revision bigint;
BEGIN
  LOOP
    SELECT m.revision INTO v_revision FROM {{schema}}.stream_metadata m WHERE m.stream_id = p_stream_id FOR UPDATE;
    IF NOT FOUND THEN
      IF p_expected IS NOT NULL AND p_expected <> 0 THEN
        RETURN QUERY SELECT 1, 0::bigint;
        RETURN;
      END IF;
      INSERT INTO {{schema}}.stream_metadata (stream_id, revision, metadata)
        VALUES (p_stream_id, 1, p_metadata)
        ON CONFLICT (stream_id) DO NOTHING;
      IF FOUND THEN
        RETURN QUERY SELECT 0, 1::bigint;
        RETURN;
      END IF;
      CONTINUE;
    END IF;
    IF p_expected IS NOT NULL AND p_expected <> v_revision THEN
      RETURN QUERY SELECT 1, v_revision;
      RETURN;
    END IF;
    UPDATE {{schema}}.stream_metadata m
      SET revision = v_revision + 1, metadata = p_metadata, updated_at = now()
      WHERE m.stream_id = p_stream_id;
    RETURN QUERY SELECT 0, v_revision + 1;
    RETURN;
  END LOOP;
END
$metadata$
