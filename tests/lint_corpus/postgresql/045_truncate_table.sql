-- expect: irreversible-data-step
-- TRUNCATE empties the table; the down cannot restore it.
SET lock_timeout = '2s';
TRUNCATE audit_log_2019;
