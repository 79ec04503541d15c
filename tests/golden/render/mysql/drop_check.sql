ALTER TABLE posts DROP CONSTRAINT posts_score_check;
-- down
ALTER TABLE posts ADD CONSTRAINT posts_score_check CHECK (score >= 0);
