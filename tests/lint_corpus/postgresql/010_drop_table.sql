-- expect: drop-table
-- Dropping an archive table: every row is lost, the down recreates it empty.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
DROP TABLE audit_log_2019;
