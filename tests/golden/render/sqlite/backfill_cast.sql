ALTER TABLE "order" ADD COLUMN label TEXT;
UPDATE "order" SET label = CAST(id AS TEXT) || '-' || "group" WHERE label IS NULL;
-- down
ALTER TABLE "order" DROP COLUMN label;
