-- expect: foreign-key-without-index
-- Nothing indexes order_lines.order_id: every DELETE on orders scans order_lines.
CREATE TABLE order_lines (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    product_id bigint NOT NULL,
    quantity integer NOT NULL
);
