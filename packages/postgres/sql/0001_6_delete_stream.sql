CREATE OR REPLACE FUNCTION {{schema}}.delete_stream(
  p_stream_id text,
  p_expected_kind integer,
  p_expected bigint
) RETURNS TABLE (o_status integer, o_revision bigint)
LANGUAGE plpgsql AS $delete$
DECLARE
  v_head bigint;
BEGIN
  SELECT h.revision INTO v_head FROM {{schema}}.streams h WHERE h.stream_id = p_stream_id FOR UPDATE;
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
  DELETE FROM {{schema}}.events e WHERE e.stream_id = p_stream_id;
  DELETE FROM {{schema}}.streams h WHERE h.stream_id = p_stream_id;
  RETURN QUERY SELECT 0, v_head;
END
$delete$