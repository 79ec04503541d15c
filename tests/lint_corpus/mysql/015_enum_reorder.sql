-- expect: mysql-enum-reorder
-- Reordering ENUM members changes the stored numbers: the table is copied.
ALTER TABLE orders MODIFY COLUMN priority ENUM('high', 'normal', 'low') NOT NULL DEFAULT 'normal';
