CREATE TABLE tags (
  id INT NOT NULL AUTO_INCREMENT,
  label VARCHAR(40) NOT NULL,
  post_id INT,
  weight DECIMAL(5,2) DEFAULT 1.5,
  created_at DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3),
  CONSTRAINT tags_pkey PRIMARY KEY (id),
  CONSTRAINT tags_label_key UNIQUE (label),
  CONSTRAINT tags_weight_check CHECK (weight > 0),
  CONSTRAINT tags_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE SET NULL
) COMMENT = 'labels on posts';
CREATE INDEX tags_post_id_idx ON tags (post_id);
-- down
DROP TABLE tags;
