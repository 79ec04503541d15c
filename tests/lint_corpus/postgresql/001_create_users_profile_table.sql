-- expect: none
-- A new table with an identity key, text columns and timestamptz: nothing to lock, nothing to rewrite.
CREATE TABLE user_profiles (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL,
    bio text,
    updated_at timestamptz NOT NULL DEFAULT now()
);
