-- expect: rename-column
-- CHANGE COLUMN with a new name and the same type is a rename.
ALTER TABLE users CHANGE COLUMN email email_address VARCHAR(100);
