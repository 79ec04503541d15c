-- expect: mysql-non-atomic-migration, add-unique-constraint
-- MySQL commits each DDL statement: if the UNIQUE meets duplicates, the column added before it stays.
ALTER TABLE users ADD COLUMN nickname VARCHAR(40) NULL;
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
