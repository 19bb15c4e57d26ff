-- Migration 10: delete_stream with p_hard (a tombstone) and the $streamDeleted system event. A delete takes the locks
-- of an append in the order append_events takes them (the store's append lock before the transaction id, then the
-- stream lock, then the head row), so its event gets a position like any event and the log horizon holds for it.
-- Outcome: (0, head) deleted; (1, head) the expectation failed; (2, head) nothing to delete (a missing stream, or a
-- tombstone, whatever the expectation). The system event is a row of the stream at one below its lowest revision
-- (-1, -2, ... over the stream's lives, so (stream_id, revision) stays unique) with a random UUID for its id, in the
-- stream's category; deletes drop revisions above 0 only, so it stays in the log. A hard delete keeps the head row
-- with revision -1 (see keep_tombstone). Placeholders: {{schema}}, {{schema_literal}}.
CREATE OR REPLACE FUNCTION {{schema}}.delete_stream(
  p_stream_id text,
  p_expected_kind integer,
  p_expected bigint,
  p_hard boolean
) RETURNS TABLE (o_status integer, o_revision bigint)
LANGUAGE plpgsql AS $delete$
DECLARE
  v_store integer := hashtext({{schema_literal}});
  v_setting text := 'streamstore.ordinal_' || to_hex(v_store);
  v_ordinal bigint := nullif(current_setting(v_setting, true), '')::bigint;
  v_head bigint;
  v_found boolean;
  v_revision bigint;
BEGIN
  IF v_ordinal IS NULL THEN
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
      RAISE EXCEPTION 'streamstore: delete_stream must be the first write of its transaction (for this store)'
        USING ERRCODE = 'invalid_transaction_state';
    END IF;
    PERFORM pg_advisory_xact_lock_shared(1398035009, v_store);
    v_ordinal := 0;
  END IF;
  PERFORM pg_advisory_xact_lock(1398035027, hashtext({{schema_literal}} || '/' || p_stream_id));
  SELECT h.revision INTO v_head FROM {{schema}}.streams h WHERE h.stream_id = p_stream_id FOR UPDATE;
  v_found := FOUND;
  IF v_head < 0 THEN
    RETURN QUERY SELECT 2, v_head;
    RETURN;
  END IF;
  v_head := coalesce(v_head, 0);
  IF NOT (p_expected_kind = 0
          OR (p_expected_kind = 1 AND v_head = 0)
          OR (p_expected_kind = 2 AND v_head > 0)
          OR (p_expected_kind = 3 AND v_head = p_expected)) THEN
    RETURN QUERY SELECT 1, v_head;
    RETURN;
  END IF;
  IF NOT v_found AND NOT p_hard THEN
    RETURN QUERY SELECT 2, 0::bigint;
    RETURN;
  END IF;
  DELETE FROM {{schema}}.events e WHERE e.stream_id = p_stream_id AND e.revision > 0;
  IF p_hard THEN
    INSERT INTO {{schema}}.streams AS h (stream_id, revision) VALUES (p_stream_id, -1)
    ON CONFLICT (stream_id) DO UPDATE SET revision = -1, updated_at = now();
  ELSE
    DELETE FROM {{schema}}.streams h WHERE h.stream_id = p_stream_id;
  END IF;
  SELECT coalesce(min(e.revision), 0) - 1 INTO v_revision
  FROM {{schema}}.events e WHERE e.stream_id = p_stream_id AND e.revision < 1;
  INSERT INTO {{schema}}.events (position, stream_id, revision, event_id, type, schema_version, format, compression,
                                 data, data_bytes, metadata, metadata_text, "timestamp", category)
  VALUES (pg_current_xact_id()::text::bigint * 1000000 + v_ordinal, p_stream_id, v_revision, gen_random_uuid()::text,
          '$streamDeleted', 1, 'json', NULL,
          jsonb_build_object('streamId', p_stream_id, 'revision', v_head, 'hard', p_hard), NULL, NULL, NULL,
          date_trunc('milliseconds', now()), {{schema}}.category_of(p_stream_id));
  PERFORM set_config(v_setting, (v_ordinal + 1)::text, true);
  RETURN QUERY SELECT 0, v_head;
END
$delete$
