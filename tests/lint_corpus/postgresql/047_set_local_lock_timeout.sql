-- expect: none
-- SET LOCAL scopes the timeouts to the runner's transaction.
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '60s';
ALTER TABLE users ADD COLUMN locale text;
