ALTER TABLE "order" RENAME COLUMN "group" TO category;
-- down
ALTER TABLE "order" RENAME COLUMN category TO "group";
