-- expect: none
-- MySQL's JSON type is binary already; added last and nullable: INSTANT.
ALTER TABLE orders ADD COLUMN metadata JSON NULL;
