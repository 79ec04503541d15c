ALTER TABLE posts DROP CONSTRAINT posts_score_check;
ALTER TABLE posts ADD CONSTRAINT posts_score_check CHECK (score >= 0) NOT VALID;
-- down
ALTER TABLE posts VALIDATE CONSTRAINT posts_score_check;
