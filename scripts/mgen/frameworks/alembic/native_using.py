"""Part of the Alembic native driver: run by the project's interpreter, never imported by mgen (``alembic.native``
puts this text before ``native_driver.py``, whose ``keep_changes`` calls ``add_postgresql_using``).

Autogenerate writes a column type change as ``op.alter_column(..., type_=NEW)`` and never a ``USING``: Alembic
documents that on PostgreSQL a conversion without an assignment cast needs ``postgresql_using``, added by hand.
A revision written without it fails on the first ``upgrade`` (``column "c" cannot be cast automatically to type
billtype``), so the native engine adds it, as mgen's static renderer does, exactly where PostgreSQL itself would
refuse the change. The scratch database (which has the old types, and the enum types the revisions created) is
asked, read-only, the question PostgreSQL asks in ``ALTER ... TYPE`` (its coercion in assignment context):

- the same type (a length or precision only changes): no ``USING``;
- a string type (category ``S``) as the target: every type converts to it by I/O: no ``USING``;
- a cast in ``pg_cast`` whose context is assignment or implicit (integer to bigint, timestamp to timestamptz):
  no ``USING``; arrays by their elements, domains by their base types;
- anything else (text to an enum, an enum to another, varchar to integer or to uuid): ``USING "c"::NEW``, through
  ``::text`` when either side is an enum, as mgen's static renderer writes it. A row the cast cannot convert
  still fails the upgrade, as the hand-written clause would: said in the note.

Both directions get the rule (the downgrade's reverse change is judged on its own). A type the server does not
know (one the revision itself would create) is left as autogenerate wrote it. Each clause added is said in a
note. The clause is rendered by wrapping Alembic's own ``alter_column`` renderer: its text with
``postgresql_using=`` added last.
"""
# ruff: noqa: UP031 - run by the project's interpreter, which may predate f-strings (Python 3.5)

TYPE_FACTS = ("SELECT t.oid, t.typtype, t.typcategory, t.typelem, t.typbasetype FROM pg_type t "
              "WHERE t.oid = to_regtype(%(name)s)")
ASSIGNABLE = ("SELECT 1 FROM pg_cast WHERE castsource = %(source)s AND casttarget = %(target)s "
              "AND castcontext IN ('a', 'i')")


def postgresql_directive_ops(context, directives):
    """(the connection, the dialect, every operation of the directives' upgrade and downgrade lists) when the
    autogenerate context is PostgreSQL's with a connection; None otherwise (native_opclass.py uses it too)."""
    dialect = getattr(context, "dialect", None)
    bind = getattr(context, "bind", None)
    if getattr(dialect, "name", None) != "postgresql" or bind is None:
        return None
    ops = []
    for script in directives:
        lists = list(getattr(script, "upgrade_ops_list", None) or [script.upgrade_ops])
        lists += list(getattr(script, "downgrade_ops_list", None) or [script.downgrade_ops])
        ops.extend(walk_ops(lists))
    return bind, dialect, ops


def add_postgresql_using(context, directives):
    """``postgresql_using`` on each type change PostgreSQL would refuse without one; the notes that say so."""
    found = postgresql_directive_ops(context, directives)
    if found is None:
        return []
    bind, dialect, ops = found
    from alembic.operations import ops as alembic_ops

    said = []
    for op in ops:
        if not isinstance(op, alembic_ops.AlterColumnOp) or op.modify_type is None or op.existing_type is None:
            continue
        if op.kw.get("postgresql_using"):
            continue
        using = using_clause(bind, dialect, op)
        if using:
            op.kw["postgresql_using"] = using
            said.append("postgresql_using=%r added to alter_column %s.%s (PostgreSQL has no assignment cast "
                        "from %s to %s; a row the cast cannot convert fails the upgrade)"
                        % (using, op.table_name, op.column_name, compiled(op.existing_type, dialect),
                           compiled(op.modify_type, dialect)))
    if said:
        install_using_renderer()
    return said


def walk_ops(containers):
    for container in containers:
        for op in getattr(container, "ops", None) or []:
            if getattr(op, "ops", None) is not None:  # ModifyTableOps: the table's own operations
                yield from walk_ops([op])
            else:
                yield op


def compiled(type_, dialect):
    return type_.compile(dialect=dialect)


def using_clause(bind, dialect, op):
    """The ``USING`` expression PostgreSQL needs to change the column's type, or None (no clause needed, or a type
    the server does not know)."""
    old, new = compiled(op.existing_type, dialect), compiled(op.modify_type, dialect)
    source, target = type_facts(bind, old), type_facts(bind, new)
    if source is None or target is None or assignable(bind, source, target):
        return None
    column = dialect.identifier_preparer.quote(op.column_name)
    via = "::text" if "e" in (source["typtype"], target["typtype"]) else ""
    return "%s%s::%s" % (column, via, new)


def type_facts(bind, name):
    """The catalog's facts on the type ``name`` (a collation left out), or None: a type the server does not know,
    or a name it cannot read (asked in a savepoint, so the revision's transaction goes on)."""
    import re

    from sqlalchemy import text

    name = re.split(r"\s+COLLATE\s", name, maxsplit=1, flags=re.IGNORECASE)[0]
    try:
        with bind.begin_nested():
            row = bind.execute(text(TYPE_FACTS.replace("%(name)s", ":name")), {"name": name}).fetchone()
    except Exception:  # noqa: BLE001 - a name PostgreSQL cannot read: left as autogenerate wrote it
        return None
    if row is None:
        return None
    return {"oid": row[0], "typtype": row[1], "typcategory": row[2], "typelem": row[3], "typbasetype": row[4]}


def type_by_oid(bind, oid):
    from sqlalchemy import text

    row = bind.execute(text("SELECT format_type(:oid, NULL)"), {"oid": oid}).fetchone()
    return type_facts(bind, row[0]) if row is not None and row[0] else None


def assignable(bind, source, target):
    """Whether PostgreSQL converts ``source`` to ``target`` in assignment context (``ALTER ... TYPE`` without
    ``USING``): its ``find_coercion_pathway``, read from the catalog."""
    from sqlalchemy import text

    source, target = base_type(bind, source), base_type(bind, target)
    if source["oid"] == target["oid"] or target["typcategory"] == "S":
        return True
    if bind.execute(text(ASSIGNABLE.replace("%(source)s", ":source").replace("%(target)s", ":target")),
                    {"source": source["oid"], "target": target["oid"]}).fetchone() is not None:
        return True
    if source["typcategory"] == "A" and target["typcategory"] == "A" and source["typelem"] and target["typelem"]:
        elements = type_by_oid(bind, source["typelem"]), type_by_oid(bind, target["typelem"])
        return None not in elements and assignable(bind, elements[0], elements[1])
    return False


def base_type(bind, facts):
    """A domain's base type (PostgreSQL coerces through it), else the type itself."""
    while facts is not None and facts["typtype"] == "d" and facts["typbasetype"]:
        base = type_by_oid(bind, facts["typbasetype"])
        if base is None:
            break
        facts = base
    return facts


installed = []


def install_using_renderer():
    """Alembic's own ``alter_column`` renderer, with ``postgresql_using=`` added to what it writes."""
    if installed:
        return
    from alembic.autogenerate import render
    from alembic.operations import ops as alembic_ops

    original = render.renderers.dispatch(alembic_ops.AlterColumnOp(table_name="t", column_name="c"))

    def with_using(autogen_context, op):
        text_ = original(autogen_context, op)
        using = op.kw.get("postgresql_using")
        if not using or not text_.endswith(")"):
            return text_
        return "%s,\n%spostgresql_using=%r)" % (text_[:-1], " " * 11, using)

    try:
        render.renderers.dispatch_for(alembic_ops.AlterColumnOp, replace=True)(with_using)
    except TypeError:  # an Alembic before 1.13 has no replace: its registry is overwritten as it is
        render.renderers.dispatch_for(alembic_ops.AlterColumnOp)(with_using)
    installed.append(True)
