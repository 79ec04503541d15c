-- expect: none
-- run: no-transaction
-- CONCURRENTLY outside a transaction: writes continue during the build.
SET lock_timeout = '2s';
SET statement_timeout = '600s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);
