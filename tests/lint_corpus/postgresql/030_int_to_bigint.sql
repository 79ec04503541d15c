-- expect: type-change-rewrites-table
-- Widening, so no data is lost, but integer -> bigint rewrites the table and every index on it.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;
