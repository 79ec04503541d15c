-- expect: set-not-null
-- SET NOT NULL scans the whole table under ACCESS EXCLUSIVE and fails if any row is NULL.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
