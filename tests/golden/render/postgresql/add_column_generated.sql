ALTER TABLE "order" ADD COLUMN total_cents bigint GENERATED ALWAYS AS (CAST(total * 100 AS BIGINT)) STORED;
-- down
ALTER TABLE "order" DROP COLUMN total_cents;
