-- expect: none
-- now() is evaluated once per statement, so PostgreSQL 11+ stores it like a constant: no rewrite.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
