-- expect: none
-- A new enum type and a new table using it.
CREATE TYPE ticket_priority AS ENUM ('low', 'normal', 'high');
CREATE TABLE tickets (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title text NOT NULL,
    priority ticket_priority NOT NULL DEFAULT 'normal'
);
