-- expect: type-change-rewrites-table|mysql-copy-algorithm
-- VARCHAR(50) -> VARCHAR(100) in utf8mb4: 200 -> 400 bytes needs a two-byte length prefix: table copy.
ALTER TABLE users MODIFY COLUMN name VARCHAR(100);
