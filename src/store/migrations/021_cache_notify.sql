-- Cache invalidation through LISTEN/NOTIFY: every change to a read-model table, from the service or
-- from a hand-written SQL fix, tells the caches which rows changed. Statement-level triggers with
-- transition tables send ONE notification per statement per table (NOTIFY takes a lock that
-- serialises commits, so per-row notifications would throttle writes). Payloads stay compact: schema,
-- table, statement time (ms, for the invalidation-lag metric) and the distinct ids and customer ids;
-- when those do not fit well under NOTIFY's 8000-byte limit, {"all": true} asks listeners to drop the
-- whole table's entries instead. `SET [LOCAL] bss.cache_notify = off` (transaction, session, role)
-- silences it: NOTIFY serialises commits (measured: 16 writers, 2-statement transactions, about 5,500
-- → 3,100 tx/s, the trigger body itself costs nothing measurable), so the service's own transactions,
-- which its write path and the event log already invalidate, can skip it and leave NOTIFY to SQL run
-- by hand.
CREATE FUNCTION bss_cache_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  scanned int := 0;
  ids jsonb;
  customers jsonb;
  payload text;
BEGIN
  IF coalesce(current_setting('bss.cache_notify', true), '') = 'off' THEN
    RETURN NULL;
  END IF;
  -- At most 401 rows are looked at: more than that never fits in one payload.
  IF TG_OP = 'INSERT' THEN
    SELECT count(*), jsonb_agg(DISTINCT id), jsonb_agg(DISTINCT customer_id) INTO scanned, ids, customers
      FROM (SELECT id, customer_id FROM new_rows LIMIT 401) r;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT count(*), jsonb_agg(DISTINCT id), jsonb_agg(DISTINCT customer_id) INTO scanned, ids, customers
      FROM (SELECT id, customer_id FROM new_rows UNION ALL SELECT id, customer_id FROM old_rows LIMIT 401) r;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT count(*), jsonb_agg(DISTINCT id), jsonb_agg(DISTINCT customer_id) INTO scanned, ids, customers
      FROM (SELECT id, customer_id FROM old_rows LIMIT 401) r;
  END IF;
  IF TG_OP <> 'TRUNCATE' AND scanned = 0 THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'TRUNCATE' AND scanned <= 400 THEN
    payload := jsonb_build_object('s', TG_TABLE_SCHEMA, 't', TG_TABLE_NAME,
      'at', (extract(epoch FROM clock_timestamp()) * 1000)::bigint, 'ids', ids, 'c', customers)::text;
  END IF;
  IF payload IS NULL OR octet_length(payload) > 7900 THEN
    payload := jsonb_build_object('s', TG_TABLE_SCHEMA, 't', TG_TABLE_NAME,
      'at', (extract(epoch FROM clock_timestamp()) * 1000)::bigint, 'all', true)::text;
  END IF;
  PERFORM pg_notify('bss_cache', payload);
  RETURN NULL;
END
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['customers', 'orders', 'subscriptions', 'usage_records', 'invoices', 'payments', 'balances']
  LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION bss_cache_notify()', t || '_cache_ins', t);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION bss_cache_notify()', t || '_cache_upd', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION bss_cache_notify()', t || '_cache_del', t);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION bss_cache_notify()', t || '_cache_trunc', t);
  END LOOP;
END
$$;
