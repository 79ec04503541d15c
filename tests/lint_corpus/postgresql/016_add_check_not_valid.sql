-- expect: none
-- NOT VALID: only new rows are checked, the lock is brief; validation comes in a later migration.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE products ADD CONSTRAINT products_price_positive CHECK (price > 0) NOT VALID;
