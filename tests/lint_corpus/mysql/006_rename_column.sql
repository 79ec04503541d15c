-- expect: rename-column
-- The running application still reads users.name.
ALTER TABLE users RENAME COLUMN name TO full_name;
