-- expect: prefer-jsonb
-- json keeps the raw text: no indexing, no containment operators; jsonb is the usual choice.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE orders ADD COLUMN metadata json;
