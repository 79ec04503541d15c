-- expect: add-check-constraint
-- The check is evaluated against every existing row while the table is rebuilt.
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);
