PRAGMA foreign_keys=OFF;
CREATE TABLE new__users (
  id INTEGER CONSTRAINT users_pkey PRIMARY KEY AUTOINCREMENT,
  email VARCHAR(255) NOT NULL,
  name VARCHAR(100) NOT NULL,
  active BOOLEAN NOT NULL DEFAULT 1,
  settings JSONB,
  created_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT users_email_key UNIQUE (email)
);
INSERT INTO new__users (id, email, name, active, settings, created_at) SELECT id, email, name, active, settings, created_at FROM users;
DROP TABLE users;
ALTER TABLE new__users RENAME TO users;
PRAGMA foreign_keys=ON;
-- down
PRAGMA foreign_keys=OFF;
CREATE TABLE new__users (
  id INTEGER CONSTRAINT users_pkey PRIMARY KEY AUTOINCREMENT,
  email VARCHAR(255) NOT NULL,
  name VARCHAR(100),
  active BOOLEAN NOT NULL DEFAULT 1,
  settings JSONB,
  created_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT users_email_key UNIQUE (email)
);
INSERT INTO new__users (id, email, name, active, settings, created_at) SELECT id, email, name, active, settings, created_at FROM users;
DROP TABLE users;
ALTER TABLE new__users RENAME TO users;
PRAGMA foreign_keys=ON;
