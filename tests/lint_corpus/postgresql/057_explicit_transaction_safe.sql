-- expect: none
-- run: no-transaction
-- The file manages its own transaction; the change inside it is safe.
BEGIN;
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '60s';
ALTER TABLE users ADD COLUMN timezone text;
COMMIT;
