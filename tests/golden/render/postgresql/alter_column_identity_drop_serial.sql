ALTER TABLE posts ALTER COLUMN id DROP DEFAULT;
DO $$ BEGIN EXECUTE 'DROP SEQUENCE ' || pg_get_serial_sequence('posts', 'id'); END $$;
-- down
CREATE SEQUENCE posts_id_seq AS integer OWNED BY posts.id;
ALTER TABLE posts ALTER COLUMN id SET DEFAULT nextval('posts_id_seq');
SELECT setval(pg_get_serial_sequence('posts', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM posts;
