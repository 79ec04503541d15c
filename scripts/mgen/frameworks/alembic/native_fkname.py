"""Part of the Alembic native driver: run by the project's interpreter, never imported by mgen (``alembic.native``
puts this text after ``native_using.py``, whose ``walk_ops`` it uses; ``native_driver.py``'s ``keep_changes`` calls
``name_foreign_keys``).

A foreign key the models give no name (``ForeignKey("users.id")`` without a naming convention) is written by
autogenerate as ``op.create_foreign_key(None, ...)`` and its downgrade as ``op.drop_constraint(None, ...)``,
which Alembic cannot run ("it has no name"): Alembic documents that the name must be filled in by hand. On
PostgreSQL the native engine fills it in with the name PostgreSQL itself gives a foreign key created without
one (``ChooseConstraintName``: ``<table>_<columns>_fkey``, shortened as ``makeObjectName`` shortens it to 63
bytes, with ``fkey1``, ``fkey2``... while the name is taken in the schema, asked of the scratch database,
read-only), in the upgrade and in the downgrade's drop of the same key: the database ends with the name it
would have chosen, and the downgrade finds it. Each name is said in a note. Other dialects are left as
autogenerate wrote them.
"""
# ruff: noqa: UP031, F821 - run by the project's interpreter, which may predate f-strings (Python 3.5); walk_ops
# comes from native_using.py, put before this text

NAMEDATALEN = 64
NAME_TAKEN = ("SELECT 1 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
              "WHERE c.conname = :name AND n.nspname = coalesce(:schema, current_schema())")


def name_foreign_keys(context, directives):
    """The PostgreSQL default name on each unnamed ``create_foreign_key`` of the upgrade and on the downgrade's
    ``drop_constraint`` of it; the notes that say so."""
    dialect = getattr(context, "dialect", None)
    bind = getattr(context, "bind", None)
    if getattr(dialect, "name", None) != "postgresql" or bind is None:
        return []
    from alembic.operations import ops as alembic_ops

    said = []
    for script in directives:
        ups = list(getattr(script, "upgrade_ops_list", None) or [script.upgrade_ops])
        downs = list(getattr(script, "downgrade_ops_list", None) or [script.downgrade_ops])
        drops = [op for op in walk_ops(downs) if isinstance(op, alembic_ops.DropConstraintOp)
                 and op.constraint_name is None and op.constraint_type == "foreignkey"]
        chosen = set()
        for op in walk_ops(ups):
            if not isinstance(op, alembic_ops.CreateForeignKeyOp) or op.constraint_name is not None:
                continue
            schema = op.kw.get("source_schema")
            twins = [d for d in drops if d.table_name == op.source_table and d.schema == schema and same_key(d, op)]
            if len(twins) != 1:  # the downgrade's drop of it not found for sure: left as autogenerate wrote it
                continue
            name = default_name(bind, op.source_table, op.local_cols, schema, chosen)
            if name is None:
                continue
            chosen.add(name)
            op.constraint_name = twins[0].constraint_name = name
            drops.remove(twins[0])
            said.append("create_foreign_key on %s(%s) named %r, the name PostgreSQL gives a foreign key created "
                        "without one (autogenerate writes None, and its downgrade cannot drop a constraint with no "
                        "name)" % (op.source_table, ", ".join(op.local_cols), name))
    return said


def same_key(drop, create):
    """Whether the downgrade's ``drop_constraint`` is the reverse of this ``create_foreign_key``: the columns and
    target of the key Alembic kept with it (``_reverse``), else only the table decides."""
    reverse = getattr(drop, "_reverse", None)
    if reverse is None or not hasattr(reverse, "local_cols"):
        return True
    return list(reverse.local_cols) == list(create.local_cols) and reverse.referent_table == create.referent_table


def default_name(bind, table, columns, schema, chosen):
    """``ChooseConstraintName(table, columns, "fkey")``: ``makeObjectName``, then ``fkey1``, ``fkey2``... while the
    name is taken in the schema (or by another name chosen here); None when the catalog cannot be asked."""
    from sqlalchemy import text

    addition = ""
    for column in columns:  # ChooseForeignKeyConstraintNameAddition: the columns joined by "_", up to NAMEDATALEN
        if len(addition) >= NAMEDATALEN:
            break
        addition = column if not addition else addition + "_" + column
    for count in range(100):
        label = "fkey" if count == 0 else "fkey%d" % count
        name = object_name(table, addition, label)
        try:
            with bind.begin_nested():
                taken = bind.execute(text(NAME_TAKEN), {"name": name, "schema": schema}).fetchone() is not None
        except Exception:  # noqa: BLE001 - a catalog PostgreSQL cannot answer: left as autogenerate wrote it
            return None
        if not taken and name not in chosen:
            return name
    return None


def object_name(name1, name2, label):
    """PostgreSQL's ``makeObjectName``: ``name1_name2_label`` within NAMEDATALEN - 1 bytes, the longer of the two
    names shortened first (by whole characters, as ``pg_mbcliplen``)."""
    overhead = len(label.encode("utf-8")) + 1 + (1 if name2 else 0)
    available = NAMEDATALEN - 1 - overhead
    first, second = name1, name2 or ""
    while len(first.encode("utf-8")) + len(second.encode("utf-8")) > available:
        if len(first.encode("utf-8")) > len(second.encode("utf-8")):
            first = first[:-1]
        else:
            second = second[:-1]
    return "_".join(part for part in (first, second, label) if part)
