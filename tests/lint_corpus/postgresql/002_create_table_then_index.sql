-- expect: none
-- An index on a table created in the same migration: nobody reads or writes it yet.
CREATE TABLE invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number text NOT NULL,
    issued_at timestamptz NOT NULL
);
CREATE INDEX invoices_issued_at_idx ON invoices (issued_at);
CREATE UNIQUE INDEX invoices_number_key ON invoices (number);
