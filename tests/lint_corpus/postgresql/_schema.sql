-- The database every PostgreSQL corpus migration runs against (passed as `mgen lint --schema`).
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');

CREATE TABLE customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email varchar(100),
    name varchar(100),
    legacy_flag boolean,
    status text NOT NULL DEFAULT 'active',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_created_at_idx ON users (created_at);

CREATE TABLE products (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku text NOT NULL,
    name text NOT NULL,
    price numeric(10, 2) NOT NULL
);

CREATE TABLE coupons (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL
);

CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint,
    user_id bigint,
    quantity integer NOT NULL DEFAULT 1,
    total numeric(10, 2) NOT NULL,
    state order_status NOT NULL DEFAULT 'pending',
    reference text,
    note varchar(50)
);

CREATE TABLE events (
    event_key bigint NOT NULL,
    kind text NOT NULL,
    created_at timestamp NOT NULL
);

CREATE TABLE sessions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL,
    token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log_2019 (
    id bigint PRIMARY KEY,
    entry text
);
