CREATE TABLE users (
  id BIGINT NOT NULL AUTO_INCREMENT,
  email VARCHAR(255) NOT NULL,
  name VARCHAR(100),
  active TINYINT(1) NOT NULL DEFAULT 1,
  settings JSON,
  created_at TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT users_email_key UNIQUE (email)
) COMMENT = 'registered users';
CREATE TABLE posts (
  id INT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  editor_id BIGINT,
  title VARCHAR(200) NOT NULL,
  body TEXT,
  score INT DEFAULT 0,
  CONSTRAINT posts_pkey PRIMARY KEY (id),
  CONSTRAINT posts_score_check CHECK (score >= 0),
  CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX posts_user_id_idx ON posts (user_id);
CREATE TABLE `order` (
  id INT NOT NULL,
  `group` VARCHAR(50) NOT NULL,
  status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new',
  total DECIMAL(10,2) DEFAULT 0,
  ref VARCHAR(36),
  user_id BIGINT,
  CONSTRAINT order_pkey PRIMARY KEY (id),
  CONSTRAINT order_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE TABLE `UserProfile` (
  user_id BIGINT NOT NULL,
  `DisplayName` VARCHAR(80),
  bio TEXT COMMENT 'free text, shown on the profile',
  CONSTRAINT `UserProfile_pkey` PRIMARY KEY (user_id),
  CONSTRAINT `UserProfile_user_id_fkey` FOREIGN KEY (user_id) REFERENCES users (id)
);
