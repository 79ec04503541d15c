ALTER TABLE posts ADD CONSTRAINT posts_editor_id_fkey FOREIGN KEY (editor_id) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- down
ALTER TABLE posts DROP FOREIGN KEY posts_editor_id_fkey;
ALTER TABLE posts DROP INDEX posts_editor_id_fkey;
