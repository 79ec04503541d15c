-- expect: none
-- Constraints added right after creating the table: it is empty and unused, so nothing to scan or block.
CREATE TABLE shipments (
    id bigint GENERATED ALWAYS AS IDENTITY,
    order_id bigint,
    carrier text
);
ALTER TABLE shipments ADD PRIMARY KEY (id);
ALTER TABLE shipments ALTER COLUMN order_id SET NOT NULL;
ALTER TABLE shipments ADD CONSTRAINT shipments_carrier_check CHECK (carrier <> '');
ALTER TABLE shipments ADD CONSTRAINT shipments_order_id_key UNIQUE (order_id);
ALTER TABLE shipments ADD CONSTRAINT shipments_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id);
