ALTER TABLE `order` MODIFY COLUMN status ENUM('new','paid') NOT NULL DEFAULT 'new';
-- down
ALTER TABLE `order` MODIFY COLUMN status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new';
