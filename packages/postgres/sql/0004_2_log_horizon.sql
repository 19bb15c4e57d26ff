CREATE OR REPLACE FUNCTION {{schema}}.log_horizon()
RETURNS bigint LANGUAGE plpgsql VOLATILE AS $horizon$
DECLARE
  v_store integer := hashtext({{schema_literal}});
  v_next bigint;
  v_oldest bigint;
  v_unregistered integer[];
BEGIN
  v_next := pg_snapshot_xmax(pg_current_snapshot())::text::bigint; -- (a)
  WITH locks AS MATERIALIZED ( -- (b): pg_locks read once
    SELECT l.locktype, l.virtualtransaction, l.pid, l.transactionid::text::bigint AS xid32
    FROM pg_catalog.pg_locks l
    WHERE (l.locktype = 'advisory' AND l.classid = 1398035009::oid AND l.objid = v_store::oid AND l.objsubid = 2
           AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database()))
       OR (l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted)
  ), holders AS (
    SELECT h.pid, min(v_next + ((x.xid32 - v_next + 2147483648) & 4294967295) - 2147483648) AS xid
    FROM locks h LEFT JOIN locks x ON x.locktype = 'transactionid' AND x.virtualtransaction = h.virtualtransaction
    WHERE h.locktype = 'advisory'
    GROUP BY h.virtualtransaction, h.pid
  )
  SELECT min(xid), array_agg(pid) FILTER (WHERE xid IS NULL AND pid IS NOT NULL)
  INTO v_oldest, v_unregistered FROM holders;
  IF v_unregistered IS NOT NULL THEN
    PERFORM pg_stat_clear_snapshot(); -- backend states as of now, not as cached earlier in this transaction
    SELECT least(v_oldest, min(v_next + ((a.backend_xid::text::bigint - v_next + 2147483648) & 4294967295) - 2147483648))
    INTO v_oldest
    FROM unnest(v_unregistered) AS u(pid), LATERAL pg_stat_get_activity(u.pid) AS a
    WHERE a.backend_xid IS NOT NULL;
  END IF;
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    v_oldest := least(v_oldest, pg_snapshot_xmin(pg_current_snapshot())::text::bigint);
  END IF;
  RETURN least(v_oldest, v_next); -- (c)
END
$horizon$