ALTER TABLE posts DROP CONSTRAINT posts_score_check;
ALTER TABLE posts DROP COLUMN score;
-- down
ALTER TABLE posts ADD COLUMN score integer DEFAULT 0;
ALTER TABLE posts ADD CONSTRAINT posts_score_check CHECK (score >= 0);
