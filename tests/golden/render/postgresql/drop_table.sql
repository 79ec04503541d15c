DROP TABLE "UserProfile";
-- down
CREATE TABLE "UserProfile" (
  user_id bigint NOT NULL,
  "DisplayName" varchar(80),
  bio text,
  CONSTRAINT "UserProfile_pkey" PRIMARY KEY (user_id),
  CONSTRAINT "UserProfile_user_id_fkey" FOREIGN KEY (user_id) REFERENCES users (id)
);
COMMENT ON COLUMN "UserProfile".bio IS 'free text, shown on the profile';
