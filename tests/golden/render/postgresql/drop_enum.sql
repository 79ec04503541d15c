DROP TYPE priority;
-- down
CREATE TYPE priority AS ENUM ('low', 'high');
