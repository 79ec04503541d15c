CREATE INDEX users_settings_idx ON users USING gin (settings);
-- down
DROP INDEX users_settings_idx;
