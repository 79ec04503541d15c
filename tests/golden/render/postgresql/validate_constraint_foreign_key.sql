ALTER TABLE posts ADD CONSTRAINT posts_editor_id_fkey FOREIGN KEY (editor_id) REFERENCES users (id) ON DELETE SET NULL NOT VALID;
ALTER TABLE posts VALIDATE CONSTRAINT posts_editor_id_fkey;
-- down
ALTER TABLE posts DROP CONSTRAINT posts_editor_id_fkey;
ALTER TABLE posts ADD CONSTRAINT posts_editor_id_fkey FOREIGN KEY (editor_id) REFERENCES users (id) ON DELETE SET NULL NOT VALID;
ALTER TABLE posts DROP CONSTRAINT posts_editor_id_fkey;
