ALTER TABLE users ADD COLUMN nickname varchar(40);
-- down
ALTER TABLE users DROP COLUMN nickname;
