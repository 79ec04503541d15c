ALTER TABLE "order" RENAME TO purchase;
-- down
ALTER TABLE purchase RENAME TO "order";
