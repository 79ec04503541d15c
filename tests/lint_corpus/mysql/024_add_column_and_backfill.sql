-- expect: unbatched-backfill
-- One UPDATE of every row: long row locks, a huge undo log and replication lag.
ALTER TABLE users ADD COLUMN email_verified TINYINT(1) NULL;
UPDATE users SET email_verified = 0;
