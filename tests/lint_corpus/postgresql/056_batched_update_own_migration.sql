-- expect: irreversible-data-step
-- A keyed, guarded batch in its own data migration (no DDL here): bounded, but its old values are not kept.
UPDATE users SET status = 'inactive' WHERE id BETWEEN 1 AND 10000 AND status = 'dormant';
