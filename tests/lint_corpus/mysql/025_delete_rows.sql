-- expect: irreversible-data-step
-- Deleted sessions cannot come back in the down migration.
DELETE FROM sessions WHERE created_at < NOW() - INTERVAL 90 DAY;
