-- expect: add-required-column
-- NOT NULL without a default fails as soon as the table has a row (the ORM's default is not the database's).
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE orders ADD COLUMN tenant_id bigint NOT NULL;
