ALTER INDEX posts_user_id_idx RENAME TO posts_by_author;
-- down
ALTER INDEX posts_by_author RENAME TO posts_user_id_idx;
