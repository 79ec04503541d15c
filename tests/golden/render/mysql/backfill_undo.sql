ALTER TABLE users DROP COLUMN name;
-- down
ALTER TABLE users ADD COLUMN name VARCHAR(100);
UPDATE users SET name = email WHERE name IS NULL;
