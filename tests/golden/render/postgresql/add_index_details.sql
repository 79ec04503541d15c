CREATE INDEX users_name_idx ON users (name text_pattern_ops, (LOWER(email)) text_ops, created_at DESC NULLS LAST) INCLUDE (id);
-- down
DROP INDEX users_name_idx;
