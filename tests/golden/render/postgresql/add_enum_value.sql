ALTER TYPE order_status ADD VALUE 'cancelled';
-- down
ALTER TYPE order_status RENAME TO order_status__old;
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
ALTER TABLE "order" ALTER COLUMN status DROP DEFAULT;
ALTER TABLE "order" ALTER COLUMN status TYPE order_status USING status::text::order_status;
ALTER TABLE "order" ALTER COLUMN status SET DEFAULT 'new';
DROP TYPE order_status__old;
