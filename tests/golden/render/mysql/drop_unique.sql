ALTER TABLE users DROP INDEX users_email_key;
-- down
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
