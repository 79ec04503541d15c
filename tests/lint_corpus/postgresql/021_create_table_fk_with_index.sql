-- expect: none
-- The same table with its foreign key indexed.
CREATE TABLE order_lines (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    product_id bigint NOT NULL,
    quantity integer NOT NULL
);
CREATE INDEX order_lines_order_id_idx ON order_lines (order_id);
