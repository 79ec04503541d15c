-- expect: none
-- A new table using varchar(n), char(n), timestamp, integer and serial: style choices, not migration hazards.
CREATE TABLE countries (
    id serial PRIMARY KEY,
    code char(2) NOT NULL,
    name varchar(255) NOT NULL,
    population integer,
    updated_at timestamp
);
