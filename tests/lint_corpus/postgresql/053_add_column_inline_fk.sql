-- expect: add-foreign-key, foreign-key-without-index
-- An inline REFERENCES on an existing table: validation scan under lock, and no index on coupon_id.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons (id);
