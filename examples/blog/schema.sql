-- The blog's desired schema: what the models say now.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email VARCHAR(320) NOT NULL,
    name VARCHAR(100) NOT NULL,
    bio TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    title VARCHAR(200) NOT NULL,
    body TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT posts_title_check CHECK (length(title) > 0)
);
CREATE INDEX posts_user_id_created_at_idx ON posts (user_id, created_at);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    "order" INTEGER NOT NULL DEFAULT 0,
    label VARCHAR(50) NOT NULL,
    CONSTRAINT tags_label_key UNIQUE (label)
);

CREATE TABLE post_tags (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, tag_id)
);
