COMMENT ON COLUMN users.email IS 'login, unique';
-- down
COMMENT ON COLUMN users.email IS NULL;
