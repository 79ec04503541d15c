ALTER TABLE users DROP COLUMN name;
-- down
ALTER TABLE users ADD COLUMN name varchar(100);
