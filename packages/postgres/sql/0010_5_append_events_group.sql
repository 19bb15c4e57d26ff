-- Migration 10: append_events_group as in migration 8 (see 0008_append_events_group.sql), except that a commit to a
-- tombstoned stream (head row at revision -1, see 0010_4_delete_stream.sql) is a conflict at -1, whatever its
-- expectation, which the client turns into 'deleted' (the group's set-based upsert would otherwise write events under
-- a tombstone whose head keep_tombstone keeps). The whole live definition of append_events_group is this file.
CREATE OR REPLACE FUNCTION {{schema}}.append_events_group(
  p_stream_ids text[],
  p_expected_kinds integer[],
  p_expected bigint[],
  p_counts integer[],
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
) RETURNS TABLE (o_index integer, o_status integer, o_revision bigint, o_position bigint)
LANGUAGE plpgsql AS $group$
DECLARE
  v_store integer := hashtext({{schema_literal}});
  v_setting text := 'streamstore.ordinal_' || to_hex(v_store);
  v_total bigint := cardinality(p_ids);
  v_keys integer[];
  v_waves integer;
  v_base bigint;
BEGIN
  -- The readers' log horizon (migration 4) only waits for transactions that took the store's append lock before their
  -- transaction id; and positions follow each stream's revisions only if every stream lock comes before the id too.
  IF pg_current_xact_id_if_assigned() IS NOT NULL OR coalesce(current_setting(v_setting, true), '') <> '' THEN
    RAISE EXCEPTION 'streamstore: append_events_group must be the first write of its transaction (for this store)'
      USING ERRCODE = 'invalid_transaction_state';
  END IF;
  IF v_total > 1000000 THEN
    RAISE EXCEPTION 'streamstore: more than 1000000 events in one transaction'
      USING ERRCODE = 'program_limit_exceeded';
  END IF;
  IF cardinality(p_stream_ids) IS DISTINCT FROM cardinality(p_counts)
     OR (SELECT sum(c) FROM unnest(p_counts) AS c) IS DISTINCT FROM v_total THEN
    RAISE EXCEPTION 'streamstore: append_events_group got % event ids for commits of % events', v_total,
      (SELECT sum(c) FROM unnest(p_counts) AS c) USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM pg_advisory_xact_lock_shared(1398035009, v_store);
  -- Every stream's lock (the class and key of append_events), de-duplicated and in one order for every group, so two
  -- groups never wait for each other in a cycle. A wave is the k-th commit of each stream: the commits of one wave are
  -- on distinct streams, so each wave is decided in one set-based statement, and a stream's commits in order.
  SELECT array_agg(k ORDER BY k), max(n)::integer INTO v_keys, v_waves
  FROM (SELECT hashtext({{schema_literal}} || '/' || s) AS k, count(*) AS n FROM unnest(p_stream_ids) AS s GROUP BY 1) AS l;
  PERFORM count(pg_advisory_xact_lock(1398035027, k)) FROM unnest(v_keys) AS k;
  v_base := pg_current_xact_id()::text::bigint * 1000000;
  -- The heads this group will move cannot change under it any more: appends wait for the stream locks above, a
  -- delete_stream for these row locks (taken in one statement, after the stream locks, so no cycle with a delete).
  PERFORM 1 FROM {{schema}}.streams h WHERE h.stream_id = ANY (p_stream_ids) FOR UPDATE;
  -- Every event's ordinal is its place in the group's arrays: unique, and in commit order (rejected commits leave
  -- unused ordinals: positions need only be increasing, not dense).
  FOR v_wave IN 0 .. v_waves - 1 LOOP
    RETURN QUERY
    WITH c AS (
      SELECT c.i::integer AS i, c.stream_id, c.kind, c.expected, c.cnt,
             (sum(c.cnt) OVER (ORDER BY c.i) - c.cnt)::integer AS off,
             (row_number() OVER (PARTITION BY c.stream_id ORDER BY c.i) - 1)::integer AS wave
      FROM unnest(p_stream_ids, p_expected_kinds, p_expected, p_counts) WITH ORDINALITY AS c(stream_id, kind, expected, cnt, i)
    ), w AS MATERIALIZED (
      SELECT c.i, c.stream_id, c.kind, c.expected, c.cnt, c.off, h.stream_id IS NOT NULL AS present,
             coalesce(h.revision, 0) AS head
      FROM c LEFT JOIN {{schema}}.streams h ON h.stream_id = c.stream_id
      WHERE c.wave = v_wave
    ), e AS MATERIALIZED (
      SELECT w.i, w.stream_id, w.head, g.ord, x.*
      FROM w CROSS JOIN LATERAL generate_series(1, w.cnt) AS g(ord)
      JOIN unnest(p_ids, p_types, p_schema_versions, p_formats, p_compressions, p_data, p_data_bytes, p_metadata,
                  p_metadata_text, p_timestamps)
           WITH ORDINALITY AS x(id, type, schema_version, format, compression, data, data_bytes, metadata, metadata_text,
                                ts, k)
        ON x.k = w.off + g.ord
    ), d AS MATERIALIZED (
      SELECT w.*,
             CASE WHEN w.head < 0 THEN 1
                  WHEN NOT (w.kind = 0 OR (w.kind = 1 AND NOT w.present) OR (w.kind = 2 AND w.present)
                            OR (w.kind = 3 AND w.present AND w.head = w.expected)) THEN 1
                  WHEN EXISTS (SELECT 1 FROM e JOIN {{schema}}.events s ON s.stream_id = e.stream_id AND s.event_id = e.id
                               WHERE e.i = w.i) THEN 2
                  ELSE 0 END AS status
      FROM w
    ), heads AS (
      INSERT INTO {{schema}}.streams AS h (stream_id, revision)
      SELECT d.stream_id, d.head + d.cnt FROM d WHERE d.status = 0
      ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, updated_at = now()
    ), inserted AS (
      INSERT INTO {{schema}}.events (position, stream_id, revision, event_id, type, schema_version, format, compression,
                                     data, data_bytes, metadata, metadata_text, "timestamp", category)
      SELECT v_base + e.k - 1, e.stream_id, e.head + e.ord, e.id, e.type, e.schema_version, e.format, e.compression,
             e.data::jsonb, e.data_bytes, e.metadata::jsonb, e.metadata_text, e.ts, {{schema}}.category_of(e.stream_id)
      FROM e JOIN d ON d.i = e.i
      WHERE d.status = 0
    )
    SELECT d.i, d.status, CASE WHEN d.status = 0 THEN d.head + d.cnt ELSE d.head END,
           CASE WHEN d.status = 0 THEN v_base + d.off + d.cnt - 1 END
    FROM d;
  END LOOP;
  PERFORM set_config(v_setting, v_total::text, true);
END
$group$
