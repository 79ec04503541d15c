-- expect: none
-- Relaxing NOT NULL is a catalog change; code that writes the column keeps working.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE sessions ALTER COLUMN token DROP NOT NULL;
