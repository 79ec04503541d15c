-- expect: require-concurrent-index-drop
-- A plain DROP INDEX takes ACCESS EXCLUSIVE on the table: reads queue behind it.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
DROP INDEX users_created_at_idx;
