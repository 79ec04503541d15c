-- expect: none
-- VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE: reads and writes go on while it scans.
SET lock_timeout = '2s';
SET statement_timeout = '600s';
ALTER TABLE products VALIDATE CONSTRAINT products_price_positive;
