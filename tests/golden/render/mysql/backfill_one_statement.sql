UPDATE users SET settings = '{}' WHERE settings IS NULL;
-- down
