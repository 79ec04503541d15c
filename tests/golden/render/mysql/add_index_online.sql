CREATE INDEX users_created_at_idx ON users (created_at) ALGORITHM=INPLACE LOCK=NONE;
-- down
ALTER TABLE users DROP INDEX users_created_at_idx, ALGORITHM=INPLACE, LOCK=NONE;
