CREATE OR REPLACE FUNCTION {{schema}}.read_category(p_category text, p_after bigint, p_limit integer, p_wait_ms integer)
RETURNS SETOF {{schema}}.events LANGUAGE plpgsql VOLATILE AS $read$
DECLARE
  v_target xid8 := pg_snapshot_xmax(pg_current_snapshot());
  v_deadline timestamptz := clock_timestamp() + p_wait_ms * interval '1 millisecond';
  v_horizon xid8;
BEGIN
  LOOP
    v_horizon := {{schema}}.log_horizon()::text::xid8;
    EXIT WHEN v_horizon >= v_target OR p_limit <= 0 OR clock_timestamp() >= v_deadline;
    EXIT WHEN NOT EXISTS (SELECT 1 FROM {{schema}}.events e WHERE e.category = p_category AND e.position > p_after
                            AND e.position >= v_horizon::text::bigint * 1000000
                            AND e.position < v_target::text::bigint * 1000000);
    EXIT WHEN EXISTS (SELECT 1 FROM {{schema}}.events e WHERE e.category = p_category AND e.position > p_after AND e.transaction_id < v_horizon
                      ORDER BY e.position OFFSET p_limit - 1 LIMIT 1);
    PERFORM pg_sleep(0.002);
  END LOOP;
  RETURN QUERY SELECT e.* FROM {{schema}}.events e
    WHERE e.category = p_category AND e.position > p_after AND e.transaction_id < v_horizon ORDER BY e.position LIMIT p_limit;
END
$read$