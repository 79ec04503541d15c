-- expect: rename-column
-- The running application still reads users.name.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE users RENAME COLUMN name TO full_name;
