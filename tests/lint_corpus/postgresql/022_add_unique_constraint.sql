-- expect: add-unique-constraint
-- Builds the unique index under ACCESS EXCLUSIVE and fails on existing duplicates.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE (sku);
