-- expect: rename-table
-- The running application still queries "sessions".
RENAME TABLE sessions TO user_sessions;
