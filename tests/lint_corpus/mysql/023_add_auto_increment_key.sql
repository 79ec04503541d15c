-- expect: add-identity-column, add-primary-key
-- AUTO_INCREMENT + primary key on an existing table: ALGORITHM=COPY, numbering every row.
ALTER TABLE events ADD COLUMN id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY FIRST;
