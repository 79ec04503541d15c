-- expect: volatile-default
-- pg-version: 10
-- Before PostgreSQL 11 any default on a new column rewrites the whole table under ACCESS EXCLUSIVE.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE orders ADD COLUMN currency text NOT NULL DEFAULT 'EUR';
