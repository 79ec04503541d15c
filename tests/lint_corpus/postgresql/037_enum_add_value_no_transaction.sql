-- expect: none
-- run: no-transaction
-- Outside a transaction ADD VALUE is a quick catalog change.
SET lock_timeout = '2s';
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';
