ALTER TABLE users COMMENT = 'people''s accounts';
-- down
ALTER TABLE users COMMENT = 'registered users';
