PRAGMA foreign_keys=OFF;
CREATE TABLE new__posts (
  id INTEGER CONSTRAINT posts_pkey PRIMARY KEY AUTOINCREMENT,
  user_id BIGINT NOT NULL,
  editor_id BIGINT,
  title VARCHAR(500) NOT NULL,
  body TEXT,
  score INTEGER DEFAULT 0,
  CONSTRAINT posts_score_check CHECK (score >= 0),
  CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO new__posts (id, user_id, editor_id, title, body, score) SELECT id, user_id, editor_id, title, body, score FROM posts;
DROP TABLE posts;
ALTER TABLE new__posts RENAME TO posts;
CREATE INDEX posts_user_id_idx ON posts (user_id);
PRAGMA foreign_keys=ON;
-- down
PRAGMA foreign_keys=OFF;
CREATE TABLE new__posts (
  id INTEGER CONSTRAINT posts_pkey PRIMARY KEY AUTOINCREMENT,
  user_id BIGINT NOT NULL,
  editor_id BIGINT,
  title VARCHAR(200) NOT NULL,
  body TEXT,
  score INTEGER DEFAULT 0,
  CONSTRAINT posts_score_check CHECK (score >= 0),
  CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO new__posts (id, user_id, editor_id, title, body, score) SELECT id, user_id, editor_id, title, body, score FROM posts;
DROP TABLE posts;
ALTER TABLE new__posts RENAME TO posts;
CREATE INDEX posts_user_id_idx ON posts (user_id);
PRAGMA foreign_keys=ON;
