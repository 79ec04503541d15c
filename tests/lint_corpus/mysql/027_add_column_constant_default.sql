-- expect: none
-- A NOT NULL column with a constant default, added last: INSTANT on MariaDB 10.3+ / MySQL 8.0.
ALTER TABLE orders ADD COLUMN channel VARCHAR(16) NOT NULL DEFAULT 'web';
