-- expect: none
-- varchar(n) -> varchar(m > n) changes only the catalog.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE users ALTER COLUMN name TYPE varchar(255);
