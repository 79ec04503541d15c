CREATE INDEX users_created_at_idx ON users (created_at);
-- down
DROP INDEX users_created_at_idx;
