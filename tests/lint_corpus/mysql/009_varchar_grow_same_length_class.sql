-- expect: none
-- VARCHAR(20) -> VARCHAR(50) in utf8mb4: 80 -> 200 bytes, still a one-byte length prefix: in place.
ALTER TABLE users MODIFY COLUMN country_code VARCHAR(50), ALGORITHM=INPLACE, LOCK=NONE;
