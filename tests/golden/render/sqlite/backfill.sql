UPDATE posts SET editor_id = user_id WHERE editor_id IS NULL AND (score > 0);
-- down
