-- expect: lossy-type-change
-- text -> integer: values that are not numbers fail the migration; the rest are rewritten.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE orders ALTER COLUMN reference TYPE integer USING reference::integer;
