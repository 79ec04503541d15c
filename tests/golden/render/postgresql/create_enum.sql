CREATE TYPE mood AS ENUM ('happy', 'it''s ok');
-- down
DROP TYPE mood;
