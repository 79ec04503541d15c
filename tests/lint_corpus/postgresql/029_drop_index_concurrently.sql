-- expect: none
-- run: no-transaction
-- DROP INDEX CONCURRENTLY waits for running queries instead of blocking them.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
DROP INDEX CONCURRENTLY IF EXISTS users_created_at_idx;
