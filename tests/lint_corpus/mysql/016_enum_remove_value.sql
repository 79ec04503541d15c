-- expect: drop-enum-value
-- Rows holding 'shipped' lose their value (error in strict mode, '' otherwise).
ALTER TABLE orders MODIFY COLUMN state ENUM('pending', 'paid') NOT NULL DEFAULT 'pending';
