-- expect: add-foreign-key
-- With foreign_key_checks on, adding a foreign key copies the table and checks every row.
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);
