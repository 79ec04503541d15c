RENAME TABLE `order` TO purchase;
-- down
RENAME TABLE purchase TO `order`;
