ALTER TABLE "UserProfile" RENAME COLUMN "DisplayName" TO display_name;
-- down
ALTER TABLE "UserProfile" RENAME COLUMN display_name TO "DisplayName";
