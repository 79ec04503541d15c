-- expect: add-unique-constraint
-- Fails on existing duplicates, after reading the whole table.
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
