-- expect: add-primary-key
-- A new clustered index: InnoDB rebuilds the whole table.
ALTER TABLE events ADD PRIMARY KEY (event_key);
