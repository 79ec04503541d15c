-- expect: lossy-type-change
-- VARCHAR(64) -> VARCHAR(16): longer references are truncated or the statement fails in strict mode.
ALTER TABLE orders MODIFY COLUMN reference VARCHAR(16);
