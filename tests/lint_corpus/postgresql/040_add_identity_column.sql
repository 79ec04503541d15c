-- expect: add-identity-column
-- An identity column fills a value for every existing row: full rewrite under ACCESS EXCLUSIVE.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE events ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
