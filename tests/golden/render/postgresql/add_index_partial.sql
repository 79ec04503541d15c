CREATE INDEX posts_scored_idx ON posts (user_id) WHERE score > 0;
-- down
DROP INDEX posts_scored_idx;
