-- expect: rename-table
-- The running application still queries "sessions".
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE sessions RENAME TO user_sessions;
