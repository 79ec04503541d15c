-- expect: drop-table
-- Every row of the archive table is lost.
DROP TABLE audit_log_2019;
