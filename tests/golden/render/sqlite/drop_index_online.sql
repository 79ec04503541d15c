DROP INDEX posts_user_id_idx;
-- down
CREATE INDEX posts_user_id_idx ON posts (user_id);
