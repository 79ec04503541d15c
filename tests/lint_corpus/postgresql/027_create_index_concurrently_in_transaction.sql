-- expect: concurrently-in-transaction
-- The runner wraps the file in a transaction: CREATE INDEX CONCURRENTLY fails there.
SET lock_timeout = '2s';
SET statement_timeout = '600s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);
