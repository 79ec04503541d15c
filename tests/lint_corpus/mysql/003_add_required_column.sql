-- expect: add-required-column
-- NOT NULL without a default: MySQL fills 0 for every row, silently, where the ORM meant a real value.
ALTER TABLE orders ADD COLUMN tenant_id BIGINT NOT NULL;
