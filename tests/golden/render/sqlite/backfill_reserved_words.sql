UPDATE "order" SET user_id = id WHERE user_id IS NULL AND ("group" <> 'books');
-- down
