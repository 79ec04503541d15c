-- expect: lossy-type-change
-- varchar(50) -> varchar(20) fails on (or, with USING, truncates) longer values, and rewrites.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE orders ALTER COLUMN note TYPE varchar(20);
