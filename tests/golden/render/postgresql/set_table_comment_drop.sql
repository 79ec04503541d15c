COMMENT ON TABLE users IS NULL;
-- down
COMMENT ON TABLE users IS 'registered users';
