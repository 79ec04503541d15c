-- expect: require-concurrent-index
-- A plain CREATE INDEX blocks every write to orders for the whole build.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
CREATE INDEX orders_user_id_idx ON orders (user_id);
