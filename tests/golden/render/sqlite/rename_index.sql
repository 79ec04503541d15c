DROP INDEX posts_user_id_idx;
CREATE INDEX posts_by_author ON posts (user_id);
-- down
DROP INDEX posts_by_author;
CREATE INDEX posts_user_id_idx ON posts (user_id);
