-- expect: require-lock-timeout
-- No lock_timeout: if a long query holds a lock on users, this ALTER waits and every query queues behind it.
ALTER TABLE users ADD COLUMN locale text;
