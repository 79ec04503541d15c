CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE TYPE priority AS ENUM ('low', 'high');
CREATE TABLE users (
  id bigserial NOT NULL,
  email varchar(255) NOT NULL,
  name varchar(100),
  active boolean NOT NULL DEFAULT true,
  settings jsonb,
  created_at timestamptz DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT users_email_key UNIQUE (email)
);
COMMENT ON TABLE users IS 'registered users';
CREATE TABLE posts (
  id serial NOT NULL,
  user_id bigint NOT NULL,
  editor_id bigint,
  title varchar(200) NOT NULL,
  body text,
  score integer DEFAULT 0,
  CONSTRAINT posts_pkey PRIMARY KEY (id),
  CONSTRAINT posts_score_check CHECK (score >= 0),
  CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX posts_user_id_idx ON posts (user_id);
CREATE TABLE "order" (
  id integer NOT NULL,
  "group" varchar(50) NOT NULL,
  status order_status NOT NULL DEFAULT 'new',
  total numeric(10,2) DEFAULT 0,
  ref varchar(36),
  user_id bigint,
  CONSTRAINT order_pkey PRIMARY KEY (id),
  CONSTRAINT order_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE TABLE "UserProfile" (
  user_id bigint NOT NULL,
  "DisplayName" varchar(80),
  bio text,
  CONSTRAINT "UserProfile_pkey" PRIMARY KEY (user_id),
  CONSTRAINT "UserProfile_user_id_fkey" FOREIGN KEY (user_id) REFERENCES users (id)
);
COMMENT ON COLUMN "UserProfile".bio IS 'free text, shown on the profile';
