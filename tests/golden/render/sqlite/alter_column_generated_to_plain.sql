PRAGMA foreign_keys=OFF;
CREATE TABLE new__order (
  id INTEGER NOT NULL,
  "group" VARCHAR(50) NOT NULL,
  status TEXT NOT NULL DEFAULT 'new',
  total NUMERIC(10,2) DEFAULT 0,
  ref VARCHAR(36),
  user_id BIGINT,
  total_cents BIGINT,
  CONSTRAINT order_pkey PRIMARY KEY (id),
  CONSTRAINT order_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
INSERT INTO new__order (id, "group", status, total, ref, user_id) SELECT id, "group", status, total, ref, user_id FROM "order";
DROP TABLE "order";
ALTER TABLE new__order RENAME TO "order";
PRAGMA foreign_keys=ON;
-- down
PRAGMA foreign_keys=OFF;
CREATE TABLE new__order (
  id INTEGER NOT NULL,
  "group" VARCHAR(50) NOT NULL,
  status TEXT NOT NULL DEFAULT 'new',
  total NUMERIC(10,2) DEFAULT 0,
  ref VARCHAR(36),
  user_id BIGINT,
  CONSTRAINT order_pkey PRIMARY KEY (id),
  CONSTRAINT order_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
INSERT INTO new__order (id, "group", status, total, ref, user_id) SELECT id, "group", status, total, ref, user_id FROM "order";
DROP TABLE "order";
ALTER TABLE new__order RENAME TO "order";
PRAGMA foreign_keys=ON;
