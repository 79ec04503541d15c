-- expect: add-foreign-key
-- Validating the foreign key scans orders while both tables are locked against writes.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);
