ALTER TABLE "order" ALTER COLUMN total TYPE numeric(12,2);
-- down
ALTER TABLE "order" ALTER COLUMN total TYPE numeric(10,2);
