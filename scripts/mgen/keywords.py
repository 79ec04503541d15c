"""Words each dialect refuses as a bare identifier, so ``Dialect.quote`` knows when quoting is needed.

PostgreSQL: ``pg_get_keywords()`` categories R (reserved) and T (reserved, can be a function or type
name), from PostgreSQL 15. MySQL/MariaDB: the union of MariaDB 10.11's reserved words (probed: the
words that fail as a bare table or column name) and MySQL 8.0's reserved words, since one dialect
serves both servers. SQLite: every keyword of ``sqlite3_keyword_name()`` (3.40); SQLite accepts some
as names by fallback, but its documentation asks for quoting any of them.
"""
from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


POSTGRESQL = _words("""
all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate
collation column concurrently constraint create cross current_catalog current_date current_role
current_schema current_time current_timestamp current_user default deferrable desc distinct do else end
except false fetch for foreign freeze from full grant group having ilike in initially inner intersect
into is isnull join lateral leading left like limit localtime localtimestamp natural not notnull null
offset on only or order outer overlaps placing primary references returning right select session_user
similar some symmetric table tablesample then to trailing true union unique user using variadic verbose
when where window with
""")

_MARIADB = """
accessible add all alter analyze and as asc asensitive before between bigint binary blob both by call
cascade case change char character check collate column condition constraint continue convert create
cross current_date current_role current_time current_timestamp current_user cursor database databases
day_hour day_microsecond day_minute day_second dec decimal declare default delayed delete
delete_domain_id desc describe deterministic distinct distinctrow div do_domain_ids double drop dual
each else elseif enclosed escaped except exists exit explain false fetch float float4 float8 for force
foreign from fulltext general grant group having high_priority hour_microsecond hour_minute hour_second
if ignore ignore_domain_ids ignore_server_ids in index infile inner inout insensitive insert int int1
int2 int3 int4 int8 integer intersect interval into is iterate join key keys kill leading leave left
like limit linear lines load localtime localtimestamp lock long longblob longtext loop low_priority
master_demote_to_replica master_demote_to_slave master_heartbeat_period master_ssl_verify_server_cert
match maxvalue mediumblob mediumint mediumtext middleint minute_microsecond minute_second mod modifies
natural no_write_to_binlog not null numeric offset on optimize optionally or order out outer outfile
over page_checksum parse_vcol_expr partition portion position precision primary procedure purge range
read read_write reads real recursive ref_system_id references regexp release rename repeat replace
require resignal restrict return returning revoke right rlike row_number rows schema schemas
second_microsecond select sensitive separator set show signal slow smallint spatial specific sql
sql_big_result sql_calc_found_rows sql_small_result sqlexception sqlstate sqlwarning ssl starting
stats_auto_recalc stats_persistent stats_sample_pages straight_join table terminated then tinyblob
tinyint tinytext to trailing trigger true undo union unique unlock unsigned update usage use using
utc_date utc_time utc_timestamp values varbinary varchar varcharacter varying when where while with
write xor year_month zerofill
"""

# Reserved in MySQL 8.0 but not in MariaDB.
_MYSQL8_ONLY = """
array cube cume_dist dense_rank empty first_value function generated get grouping groups
io_after_gtids io_before_gtids json_table lag last_value lateral lead manual master_bind member
nth_value ntile of optimizer_costs parallel percent_rank qualify rank row stored system tablesample
virtual window
"""

MYSQL = _words(_MARIADB + _MYSQL8_ONLY)

SQLITE = _words("""
abort action add after all alter always analyze and as asc attach autoincrement before begin between by
cascade case cast check collate column commit conflict constraint create cross current current_date
current_time current_timestamp database default deferrable deferred delete desc detach distinct do drop
each else end escape except exclude exclusive exists explain fail filter first following for foreign
from full generated glob group groups having if ignore immediate in index indexed initially inner insert
instead intersect into is isnull join key last left like limit match materialized natural no not
nothing notnull null nulls of offset on or order others outer over partition plan pragma preceding
primary query raise range recursive references regexp reindex release rename replace restrict
returning right rollback row rows savepoint select set table temp temporary then ties to transaction
trigger unbounded union unique update using vacuum values view virtual when where window with without
""")
