-- expect: add-stored-generated-column
-- A STORED generated column is computed for every existing row: full rewrite.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED;
