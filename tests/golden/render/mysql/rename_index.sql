ALTER TABLE posts RENAME INDEX posts_user_id_idx TO posts_by_author;
-- down
ALTER TABLE posts RENAME INDEX posts_by_author TO posts_user_id_idx;
