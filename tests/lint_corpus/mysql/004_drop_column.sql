-- expect: drop-column
-- The column's data is lost and the running application still selects it.
ALTER TABLE users DROP COLUMN legacy_flag;
