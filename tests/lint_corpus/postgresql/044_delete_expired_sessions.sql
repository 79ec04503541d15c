-- expect: irreversible-data-step
-- Deleted rows cannot come back in the down migration.
DELETE FROM sessions WHERE created_at < now() - interval '90 days';
