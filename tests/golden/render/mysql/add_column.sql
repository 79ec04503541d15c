ALTER TABLE users ADD COLUMN nickname VARCHAR(40);
-- down
ALTER TABLE users DROP COLUMN nickname;
