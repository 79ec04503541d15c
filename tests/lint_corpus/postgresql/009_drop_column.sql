-- expect: drop-column
-- The column's data is gone, and the application version still running selects it.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE users DROP COLUMN legacy_flag;
