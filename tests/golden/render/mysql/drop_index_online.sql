ALTER TABLE posts DROP INDEX posts_user_id_idx, ADD INDEX posts_user_id_fkey (user_id), ALGORITHM=INPLACE, LOCK=NONE;
-- down
ALTER TABLE posts ADD INDEX posts_user_id_idx (user_id), DROP INDEX posts_user_id_fkey, ALGORITHM=INPLACE, LOCK=NONE;
