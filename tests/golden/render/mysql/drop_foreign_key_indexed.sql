ALTER TABLE posts DROP FOREIGN KEY posts_user_id_fkey;
-- down
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
