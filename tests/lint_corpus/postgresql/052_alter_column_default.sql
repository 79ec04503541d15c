-- expect: none
-- Changing a column's default affects future inserts only.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE users ALTER COLUMN status SET DEFAULT 'pending';
