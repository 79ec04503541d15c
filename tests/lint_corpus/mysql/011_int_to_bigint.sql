-- expect: type-change-rewrites-table|mysql-copy-algorithm
-- INT -> BIGINT copies the whole table; writes are blocked meanwhile.
ALTER TABLE orders MODIFY COLUMN quantity BIGINT NOT NULL DEFAULT 1;
