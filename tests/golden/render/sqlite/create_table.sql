CREATE TABLE tags (
  id INTEGER CONSTRAINT tags_pkey PRIMARY KEY AUTOINCREMENT,
  label VARCHAR(40) NOT NULL,
  post_id INTEGER,
  weight NUMERIC(5,2) DEFAULT 1.5,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT tags_label_key UNIQUE (label),
  CONSTRAINT tags_weight_check CHECK (weight > 0),
  CONSTRAINT tags_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE SET NULL
);
CREATE INDEX tags_post_id_idx ON tags (post_id);
-- down
DROP TABLE tags;
