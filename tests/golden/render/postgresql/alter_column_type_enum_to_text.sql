ALTER TABLE "order" ALTER COLUMN status DROP DEFAULT;
ALTER TABLE "order" ALTER COLUMN status TYPE text;
ALTER TABLE "order" ALTER COLUMN status SET DEFAULT 'new';
-- down
ALTER TABLE "order" ALTER COLUMN status DROP DEFAULT;
ALTER TABLE "order" ALTER COLUMN status TYPE order_status USING status::text::order_status;
ALTER TABLE "order" ALTER COLUMN status SET DEFAULT 'new';
