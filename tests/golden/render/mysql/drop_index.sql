ALTER TABLE posts DROP INDEX posts_user_id_idx, ADD INDEX posts_user_id_fkey (user_id);
-- down
ALTER TABLE posts ADD INDEX posts_user_id_idx (user_id), DROP INDEX posts_user_id_fkey;
