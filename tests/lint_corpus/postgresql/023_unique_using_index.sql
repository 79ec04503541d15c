-- expect: none
-- run: no-transaction
-- Build the unique index without blocking writes, then attach it as the constraint (brief lock only).
SET lock_timeout = '2s';
SET statement_timeout = '600s';
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS products_sku_key ON products (sku);
ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE USING INDEX products_sku_key;
