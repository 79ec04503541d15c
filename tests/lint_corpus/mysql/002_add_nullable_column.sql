-- expect: none
-- A nullable column added last: INSTANT on MariaDB 10.3+ and MySQL 8.0.
ALTER TABLE users ADD COLUMN nickname VARCHAR(40) NULL;
