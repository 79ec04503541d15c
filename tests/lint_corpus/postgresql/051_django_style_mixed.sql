-- expect: add-required-column, require-concurrent-index, drop-column, require-lock-timeout
-- run: no-transaction
-- Typical generated migration: three hazards at once and no timeouts.
BEGIN;
ALTER TABLE "orders" ADD COLUMN "region" varchar(10) NOT NULL;
CREATE INDEX "orders_region_idx" ON "orders" ("region");
ALTER TABLE "orders" DROP COLUMN "note";
COMMIT;
