-- expect: add-check-constraint
-- The check is verified against every row while ACCESS EXCLUSIVE blocks reads and writes.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE products ADD CONSTRAINT products_price_positive CHECK (price > 0);
