DROP TABLE "UserProfile";
-- down
CREATE TABLE "UserProfile" (
  user_id BIGINT NOT NULL,
  "DisplayName" VARCHAR(80),
  bio TEXT,
  CONSTRAINT "UserProfile_pkey" PRIMARY KEY (user_id),
  CONSTRAINT "UserProfile_user_id_fkey" FOREIGN KEY (user_id) REFERENCES users (id)
);
