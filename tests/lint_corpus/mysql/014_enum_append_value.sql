-- expect: none
-- Appending an ENUM member at the end is INSTANT.
ALTER TABLE orders MODIFY COLUMN state ENUM('pending', 'paid', 'shipped', 'refunded') NOT NULL DEFAULT 'pending';
