-- expect: set-not-null
-- NOT NULL on a column with NULLs fails in strict mode (or turns them into '' otherwise); the table is rebuilt.
ALTER TABLE users MODIFY COLUMN email VARCHAR(100) NOT NULL;
