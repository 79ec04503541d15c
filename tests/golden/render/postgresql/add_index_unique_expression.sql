CREATE UNIQUE INDEX users_lower_email_idx ON users ((LOWER(email)));
-- down
DROP INDEX users_lower_email_idx;
