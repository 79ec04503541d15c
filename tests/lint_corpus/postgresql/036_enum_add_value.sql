-- expect: enum-value-in-transaction
-- Inside the runner's transaction the new value cannot be used until commit (and fails before PG 12).
ALTER TYPE order_status ADD VALUE 'refunded';
