-- expect: none
-- InnoDB builds a secondary index in place without blocking writes.
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
