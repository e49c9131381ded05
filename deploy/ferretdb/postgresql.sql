-- The indexes FerretDB 1.24's PostgreSQL backend needs, applied by deploy/servers.sh to the
-- private cluster's database at every start (idempotent; needs a superuser for the event trigger).
--
-- Why: FerretDB finds a document by _id with `WHERE _jsonb->$1 @> $2` ($1 = '_id'), but
-- indexes _id with a unique B-tree on `_jsonb->'_id'`, which answers `=` (its updates and
-- deletes) and never `@>`: every find_one by _id read the whole table (measured: 111 per
-- second at 20,000 documents). A GIN index on the same expression answers `@>`. PostgreSQL
-- matches it only once $1 is known, so the server runs with plan_cache_mode=force_custom_plan
-- (deploy/servers.sh): a generic plan of a statement prepared on an empty table would keep
-- scanning the table as it grows. The event trigger adds the index to every collection table
-- FerretDB creates, in the transaction that creates it: no window without it (SQLite's sweeper
-- in idindex.go has one of a second).

CREATE OR REPLACE FUNCTION public.ferretdb_index_id_lookups(table_id oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  t record;
BEGIN
  SELECT n.nspname, c.relname INTO t
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid = table_id AND c.relkind = 'r' AND c.relname NOT LIKE '\_ferretdb\_%'
    AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = '_jsonb');
  IF FOUND THEN
    -- 53 + 10 characters: PostgreSQL's longest name is 63.
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb -> ''_id''))',
                   left(t.relname, 53) || '_id_lookup', t.nspname, t.relname);
  END IF;
END $$;

CREATE OR REPLACE FUNCTION public.ferretdb_index_new_tables() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  created record;
BEGIN
  FOR created IN SELECT objid FROM pg_event_trigger_ddl_commands()
                 WHERE command_tag = 'CREATE TABLE' AND object_type = 'table' LOOP
    PERFORM public.ferretdb_index_id_lookups(created.objid);
  END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS ferretdb_index_new_tables;
CREATE EVENT TRIGGER ferretdb_index_new_tables ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
  EXECUTE FUNCTION public.ferretdb_index_new_tables();

-- Tables made before the trigger existed.
SELECT public.ferretdb_index_id_lookups(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'public');
