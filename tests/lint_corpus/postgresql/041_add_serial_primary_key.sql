-- expect: add-identity-column, add-primary-key
-- A bigserial primary key: rewrite to fill the sequence, then an index build, all under ACCESS EXCLUSIVE.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE events ADD COLUMN id bigserial PRIMARY KEY;
