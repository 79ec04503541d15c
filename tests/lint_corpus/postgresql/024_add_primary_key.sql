-- expect: add-primary-key
-- Adding a primary key to an existing table builds its index under ACCESS EXCLUSIVE.
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE events ADD PRIMARY KEY (event_key);
