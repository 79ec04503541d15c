CREATE TABLE users (
  id INTEGER CONSTRAINT users_pkey PRIMARY KEY AUTOINCREMENT,
  email VARCHAR(255) NOT NULL,
  name VARCHAR(100),
  active BOOLEAN NOT NULL DEFAULT 1,
  settings JSONB,
  created_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT users_email_key UNIQUE (email)
);
CREATE TABLE posts (
  id INTEGER CONSTRAINT posts_pkey PRIMARY KEY AUTOINCREMENT,
  user_id BIGINT NOT NULL,
  editor_id BIGINT,
  title VARCHAR(200) NOT NULL,
  body TEXT,
  score INTEGER DEFAULT 0,
  CONSTRAINT posts_score_check CHECK (score >= 0),
  CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX posts_user_id_idx ON posts (user_id);
CREATE TABLE "order" (
  id INTEGER NOT NULL,
  "group" VARCHAR(50) NOT NULL,
  status TEXT NOT NULL DEFAULT 'new',
  total NUMERIC(10,2) DEFAULT 0,
  ref VARCHAR(36),
  user_id BIGINT,
  CONSTRAINT order_pkey PRIMARY KEY (id),
  CONSTRAINT order_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE TABLE "UserProfile" (
  user_id BIGINT NOT NULL,
  "DisplayName" VARCHAR(80),
  bio TEXT,
  CONSTRAINT "UserProfile_pkey" PRIMARY KEY (user_id),
  CONSTRAINT "UserProfile_user_id_fkey" FOREIGN KEY (user_id) REFERENCES users (id)
);
