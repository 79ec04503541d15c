-- expect: none
-- jsonb, nullable, no default: catalog only.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE orders ADD COLUMN metadata jsonb;
