-- expect: none
-- A new table: nothing to lock, nothing to rewrite.
CREATE TABLE invoices (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    number VARCHAR(32) NOT NULL,
    issued_at DATETIME NOT NULL,
    UNIQUE KEY invoices_number_key (number),
    KEY invoices_issued_at_idx (issued_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
