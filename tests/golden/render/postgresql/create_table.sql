CREATE TABLE tags (
  id integer GENERATED ALWAYS AS IDENTITY NOT NULL,
  label varchar(40) NOT NULL,
  post_id integer,
  weight numeric(5,2) DEFAULT 1.5,
  created_at timestamp(3) DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT tags_pkey PRIMARY KEY (id),
  CONSTRAINT tags_label_key UNIQUE (label),
  CONSTRAINT tags_weight_check CHECK (weight > 0),
  CONSTRAINT tags_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE SET NULL
);
CREATE INDEX tags_post_id_idx ON tags (post_id);
COMMENT ON TABLE tags IS 'labels on posts';
-- down
DROP TABLE tags;
