-- Migration 9, third statement (see 0009_1_append_events_tx.sql).
-- append_many: a multi-stream append (store.appendMany) in one statement. Every part is appended by append_events_tx
-- in order; when any part is refused (conflict 1, duplicate id 2), everything the call wrote is rolled back (its own
-- subtransaction) and every part's outcome is still reported, one row per part: (index, status, revision, position).
-- The stream locks are taken first, in one order for every caller, so two calls on shared streams never wait for each
-- other in a cycle. Arguments as append_events_group's, plus p_notify.
CREATE OR REPLACE FUNCTION {{schema}}.append_many(
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
  p_timestamps timestamptz[],
  p_notify boolean DEFAULT true
) RETURNS TABLE (o_index integer, o_status integer, o_revision bigint, o_position bigint)
LANGUAGE plpgsql AS $many$
DECLARE
  v_parts integer := coalesce(cardinality(p_stream_ids), 0);
  v_statuses integer[] := '{}';
  v_revisions bigint[] := '{}';
  v_positions bigint[] := '{}';
  v_from integer := 1;
  v_to integer;
  v_row record;
  v_refused boolean := false;
BEGIN
  IF cardinality(p_counts) IS DISTINCT FROM v_parts
     OR (SELECT coalesce(sum(c), 0) FROM unnest(p_counts) AS c) IS DISTINCT FROM coalesce(cardinality(p_ids), 0)::bigint THEN
    RAISE EXCEPTION 'streamstore: append_many got % event ids for parts of % events', cardinality(p_ids),
      (SELECT sum(c) FROM unnest(p_counts) AS c) USING ERRCODE = 'invalid_parameter_value';
  END IF;
  BEGIN
    PERFORM count(pg_advisory_xact_lock(1398035027, k))
    FROM (SELECT DISTINCT hashtext({{schema_literal}} || '/' || s) AS k FROM unnest(p_stream_ids) AS s ORDER BY 1) AS l;
    FOR v_part IN 1 .. v_parts LOOP
      v_to := v_from + p_counts[v_part] - 1;
      SELECT * INTO v_row FROM {{schema}}.append_events_tx(p_stream_ids[v_part], p_expected_kinds[v_part],
        p_expected[v_part], p_ids[v_from:v_to], p_types[v_from:v_to], p_schema_versions[v_from:v_to],
        p_formats[v_from:v_to], p_compressions[v_from:v_to], p_data[v_from:v_to], p_data_bytes[v_from:v_to],
        p_metadata[v_from:v_to], p_metadata_text[v_from:v_to], p_timestamps[v_from:v_to], false);
      v_statuses := v_statuses || v_row.o_status;
      v_revisions := v_revisions || v_row.o_revision;
      v_positions := v_positions || v_row.o_position;
      v_refused := v_refused OR v_row.o_status <> 0;
      v_from := v_to + 1;
    END LOOP;
    IF v_refused THEN
      RAISE EXCEPTION 'streamstore: a part of append_many was refused' USING ERRCODE = 'SSRJ1';
    END IF;
  EXCEPTION WHEN SQLSTATE 'SSRJ1' THEN
    NULL; -- everything of this call is rolled back; the outcomes gathered above are reported below
  END;
  IF NOT v_refused AND p_notify AND current_setting('streamstore.notify', true) IS DISTINCT FROM 'off' THEN
    PERFORM pg_notify({{appends_channel}}, '');
  END IF;
  RETURN QUERY SELECT i, v_statuses[i], v_revisions[i], v_positions[i] FROM generate_series(1, v_parts) AS i;
END
$many$
