CREATE INDEX users_email_idx ON users (email(10), created_at DESC);
-- down
ALTER TABLE users DROP INDEX users_email_idx;
