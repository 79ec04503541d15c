-- expect: none
-- PostgreSQL 11+ stores a constant default in the catalog: no rewrite, even with NOT NULL.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE orders ADD COLUMN currency text NOT NULL DEFAULT 'EUR';
