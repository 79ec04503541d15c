-- expect: none
-- numeric(10,2) -> numeric(14,2): more precision at the same scale is catalog-only.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE products ALTER COLUMN price TYPE numeric(14, 2);
