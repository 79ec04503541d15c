-- expect: none
-- The explicit form: the statement fails instead of silently copying if it cannot run online.
ALTER TABLE sessions ADD INDEX sessions_user_id_idx (user_id), ALGORITHM=INPLACE, LOCK=NONE;
