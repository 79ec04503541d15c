CREATE UNIQUE INDEX users_lower_email_idx ON users ((LOWER(email)));
-- down
ALTER TABLE users DROP INDEX users_lower_email_idx;
