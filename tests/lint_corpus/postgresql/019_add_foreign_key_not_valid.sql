-- expect: none
-- run: no-transaction
-- Index first (concurrently), then the foreign key NOT VALID, then VALIDATE in its own transaction.
SET lock_timeout = '2s';
SET statement_timeout = '600s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;
