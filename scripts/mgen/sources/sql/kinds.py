"""Which statements change tables: the verbs and object kinds the interpreter skips (``interpreter.py``)
and the test a ``DO`` block's statements are put to (``do_blocks.py``)."""
from __future__ import annotations

from collections.abc import Sequence

# statements that never change tables, by first keyword
IGNORED_VERBS = {
    "SET", "BEGIN", "START", "COMMIT", "ROLLBACK", "END", "PRAGMA", "INSERT", "UPDATE", "DELETE",
    "REPLACE", "MERGE", "LOCK", "UNLOCK", "GRANT", "REVOKE", "USE", "ANALYZE", "ANALYSE", "VACUUM", "REINDEX",
    "CLUSTER", "DELIMITER", "SAVEPOINT", "RELEASE", "COPY", "REFRESH", "NOTIFY", "LISTEN", "CALL",
    "EXPLAIN", "VALUES", "TRUNCATE", "SECURITY", "DECLARE", "FLUSH", "SHOW", "CHECKPOINT", "ATTACH",
    "DETACH", "DISCARD", "RESET", "PREPARE", "EXECUTE", "DEALLOCATE", "IMPORT", "LOAD", "OPTIMIZE", "REPAIR",
    "HANDLER", "FETCH", "CLOSE", "MOVE", "ABORT", "SOURCE", "CHECKSUM", "KILL", "PURGE", "XA", "WAITFOR",
}
# object kinds after CREATE / ALTER / DROP / COMMENT ON that are not tables (views, code, roles, ...)
IGNORED_KINDS = {
    "VIEW", "FUNCTION", "PROCEDURE", "TRIGGER", "SEQUENCE", "SCHEMA", "DOMAIN", "RULE", "POLICY",
    "ROLE", "USER", "DATABASE", "EVENT", "AGGREGATE", "CAST", "COLLATION", "OPERATOR", "PUBLICATION",
    "SUBSCRIPTION", "SERVER", "STATISTICS", "TABLESPACE", "TEXT", "FOREIGN", "MATERIALIZED", "CONVERSION",
    "LANGUAGE", "ACCESS", "TRANSFORM", "GROUP", "DEFINER", "ALGORITHM", "SQL", "VIRTUAL", "DEFAULT",
    "OWNED", "LARGE", "SYSTEM", "INSTANCE", "LOGFILE", "RESOURCE", "SPATIAL_REFERENCE", "PROCEDURAL",
    "ROUTINE", "CONSTRAINT", "COLUMN_DUMMY", "TRUSTED", "RECURSIVE", "LOGIN",
    "MASKING", "PACKAGE", "SYNONYM", "MODULE", "PROFILE", "COMMENT", "OPCLASS", "EXTENDED", "ENCRYPTION",
}
CREATE_MODIFIERS = {"OR", "REPLACE", "UNIQUE", "UNLOGGED", "GLOBAL", "LOCAL", "FULLTEXT", "SPATIAL", "IF", "NOT",
                     "EXISTS", "CONCURRENTLY", "ONLINE", "OFFLINE"}
TEMPORARY = {"TEMP", "TEMPORARY"}


def kind_after(words: Sequence[str], start: int) -> tuple[str, bool]:
    """The object kind after CREATE/ALTER/DROP modifiers, and whether it is temporary."""
    temporary = False
    for w in words[start:]:
        if w in TEMPORARY:
            temporary = True
        elif w not in CREATE_MODIFIERS:
            return w, temporary
    return "", temporary


def changes_tables(words: Sequence[str]) -> bool:
    """Whether a statement of these leading words may change a table, an index, a type or an extension:
    CREATE/ALTER/DROP/COMMENT ON/RENAME of a kind the interpreter does not skip (a sequence, a function, a
    view change nothing it models), temporary tables aside."""
    if not words or words[0] not in ("CREATE", "ALTER", "DROP", "COMMENT", "RENAME"):
        return False
    kind, temporary = kind_after(words, 2 if words[0] == "COMMENT" else 1)
    return not temporary and kind not in IGNORED_KINDS
