-- expect: none
-- A nullable column without a default is a catalog-only change; timeouts bound the lock wait.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE users ADD COLUMN nickname text;
