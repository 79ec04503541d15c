-- expect: none
-- Comments are catalog-only.
SET lock_timeout = '2s';
COMMENT ON TABLE orders IS 'Customer orders';
COMMENT ON COLUMN orders.total IS 'Gross total in the order currency';
