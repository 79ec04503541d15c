ALTER TABLE posts ADD COLUMN published_at timestamptz DEFAULT CURRENT_TIMESTAMP;
-- down
ALTER TABLE posts DROP COLUMN published_at;
