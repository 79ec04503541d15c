-- expect: none
-- run: no-transaction
-- The PostgreSQL 12+ recipe: a NOT VALID check, validated without blocking writes, makes SET NOT NULL
-- metadata-only; each statement commits on its own.
SET lock_timeout = '2s';
SET statement_timeout = '600s';
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_email_not_null;
