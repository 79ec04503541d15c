ALTER TABLE users COMMENT = '';
-- down
ALTER TABLE users COMMENT = 'registered users';
