"""The SQL drizzle-kit writes for a model from an empty database (``CREATE TYPE``, ``CREATE TABLE`` with its
primary, unique and check constraints inline, then the foreign keys and indexes), and so the desired state:
that SQL read by mgen's SQL reader, the reader that also folds the history."""
from __future__ import annotations

from .model import Model, Table, sql_string


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table(t: Table) -> str:
    lines = []
    for c in t.columns:
        base = c.type.removesuffix("[]")
        kind = q(base) + c.type[len(base):] if c.type_schema else c.type  # "mood"[]
        line = f"\t{q(c.name)} {kind}"
        if c.primary:
            line += " PRIMARY KEY"
        if c.default_sql() is not None:
            line += f" DEFAULT {c.default_sql()}"
        if c.not_null:
            line += " NOT NULL"
        lines.append(line)
    cols = lambda names: ",".join(q(n) for n in names)
    lines += [f"\tCONSTRAINT {q(name)} PRIMARY KEY({cols(columns)})" for name, columns in t.primary_keys]
    uniques = [(c.unique[0], [c.name], c.unique[1]) for c in t.columns if c.unique] + t.uniques
    lines += [f"\tCONSTRAINT {q(name)} UNIQUE{' NULLS NOT DISTINCT' if nnd else ''}({cols(columns)})"
              for name, columns, nnd in uniques]
    lines += [f"\tCONSTRAINT {q(name)} CHECK ({value})" for name, value in t.checks]
    return f"CREATE TABLE {q(t.name)} (\n" + ",\n".join(lines) + "\n)"


def statements(model: Model) -> list[str]:
    out = [f"CREATE TYPE \"public\".{q(e.name)} AS ENUM({', '.join(sql_string(v) for v in e.values)})"
           for e in model.enums]
    out += [create_table(t) for t in model.tables]
    for t in model.tables:
        out += [f"ALTER TABLE {q(t.name)} ADD CONSTRAINT {q(f.name)} FOREIGN KEY ({', '.join(map(q, f.columns_from))})"
                f" REFERENCES \"public\".{q(f.table_to)}({', '.join(map(q, f.columns_to))}) ON DELETE {f.on_delete} "
                f"ON UPDATE {f.on_update}" for f in t.foreign_keys]
    for t in model.tables:
        out += [f"CREATE {'UNIQUE ' if i.unique else ''}INDEX {q(i.name)} ON {q(t.name)} USING {i.method} "
                f"({','.join(map(q, i.columns))})" for i in t.indexes]
    return out


def _sqlite_table(t: Table) -> list[str]:
    b = lambda name: "`" + name.replace("`", "``") + "`"
    lines = []
    for c in t.columns:
        line = f"\t{b(c.name)} {c.type}"
        if c.primary:
            line += " PRIMARY KEY" + (" AUTOINCREMENT" if c.autoincrement else "")
        if c.default_sql() is not None:
            line += f" DEFAULT {c.default_sql()}"
        if c.not_null:
            line += " NOT NULL"
        lines.append(line)
    lines += [f"\tPRIMARY KEY({', '.join(map(b, cols))})" for _name, cols in t.primary_keys]
    lines += [f"\tFOREIGN KEY ({', '.join(map(b, f.columns_from))}) REFERENCES {b(f.table_to)}"
              f"({', '.join(map(b, f.columns_to))}) ON UPDATE {f.on_update} ON DELETE {f.on_delete}"
              for f in t.foreign_keys]
    out = [f"CREATE TABLE {b(t.name)} (\n" + ",\n".join(lines) + "\n)"]
    indexes = [(c.unique[0], [c.name], True) for c in t.columns if c.unique] + \
        [(i.name, i.columns, i.unique) for i in t.indexes]
    out += [f"CREATE {'UNIQUE ' if unique else ''}INDEX {b(name)} ON {b(t.name)} ({','.join(map(b, cols))})"
            for name, cols, unique in indexes]
    return out


def render(model: Model, dialect: str = "postgresql") -> str:
    if dialect == "sqlite":
        parts = [s for t in model.tables for s in _sqlite_table(t)]
    else:
        parts = statements(model)
    return ";--> statement-breakpoint\n".join(parts) + (";\n" if parts else "")
