-- expect: none
-- varchar -> text changes only the catalog.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE users ALTER COLUMN email TYPE text;
