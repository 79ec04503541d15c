COMMENT ON TABLE users IS 'people''s accounts';
-- down
COMMENT ON TABLE users IS 'registered users';
