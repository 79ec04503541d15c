-- expect: unbatched-backfill
-- One UPDATE of every row inside the DDL transaction: the ALTER's ACCESS EXCLUSIVE lock is held until it ends.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE users ADD COLUMN email_verified boolean;
UPDATE users SET email_verified = false;
