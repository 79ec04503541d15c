ALTER TABLE "order" ALTER COLUMN ref TYPE uuid USING ref::uuid;
-- down
ALTER TABLE "order" ALTER COLUMN ref TYPE varchar(36);
