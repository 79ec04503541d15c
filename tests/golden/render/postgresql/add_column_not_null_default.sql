ALTER TABLE posts ADD COLUMN views integer NOT NULL DEFAULT 0;
-- down
ALTER TABLE posts DROP COLUMN views;
