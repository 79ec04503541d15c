ALTER TABLE posts ALTER COLUMN title TYPE varchar(500);
-- down
ALTER TABLE posts ALTER COLUMN title TYPE varchar(200);
