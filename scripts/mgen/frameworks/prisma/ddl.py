"""A resolved Prisma datamodel as the SQL ``prisma migrate`` writes for it from an empty database (its
``-- CreateEnum``/``-- CreateTable``/``-- CreateIndex``/``-- AddForeignKey`` sections, in that order), and so
the desired state: that SQL read by mgen's SQL reader, the reader that also folds the migrations."""
from __future__ import annotations

from .datamodel import Datamodel, PColumn, PTable


def quote(name: str, provider: str) -> str:
    return f"`{name}`" if provider == "mysql" else f'"{name}"'


def _cols(cols: tuple[str, ...], provider: str, sep: str = ", ") -> str:
    return sep.join(quote(c, provider) for c in cols)


def _column(col: PColumn, table: PTable, provider: str) -> str:
    out = f"    {quote(col.name, provider)} {col.type}"
    if col.not_null:
        out += " NOT NULL"
    inline_pk = provider == "sqlite" and table.pk == (col.name,)
    if inline_pk:
        out += " PRIMARY KEY" + (" AUTOINCREMENT" if col.autoincrement else "")
    elif col.autoincrement and provider == "mysql":
        out += " AUTO_INCREMENT"
    if col.default is not None:
        out += f" DEFAULT {col.default}"
    return out


def create_table(table: PTable, provider: str) -> str:
    q = lambda n: quote(n, provider)
    lines = [_column(c, table, provider) for c in table.columns]
    tail = []
    if provider == "sqlite":
        if len(table.pk) > 1:
            tail.append(f"    PRIMARY KEY ({_cols(table.pk, provider)})")
        tail += [f"    CONSTRAINT {q(name)} FOREIGN KEY ({_cols(cols, provider)}) REFERENCES {q(ref)} "
                 f"({_cols(refs, provider)}) ON DELETE {d} ON UPDATE {u}"
                 for name, cols, ref, refs, d, u in table.fks]
        body = ",\n".join(lines + tail)
        return f"CREATE TABLE {q(table.name)} (\n{body}\n)"
    if provider == "mysql":
        tail = [f"    PRIMARY KEY ({_cols(table.pk, provider)})"] if table.pk else []
        return f"CREATE TABLE {q(table.name)} (\n" + ",\n".join(lines + tail) + \
            "\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    if not table.pk:  # a model keyed by a unique field only
        return f"CREATE TABLE {q(table.name)} (\n" + ",\n".join(lines) + "\n)"
    pk = f"    CONSTRAINT {q(table.pk_name)} PRIMARY KEY ({_cols(table.pk, provider, ',')})"
    return f"CREATE TABLE {q(table.name)} (\n" + ",\n".join(lines) + ",\n\n" + pk + "\n)"


def create_index(table: PTable, name: str, cols: tuple[str, ...], unique: bool, method: str | None,
                 provider: str, suffixes: tuple[str, ...] = ()) -> str:
    q = lambda n: quote(n, provider)
    spelled = ", ".join(q(c) + (f" {x}" if x else "") for c, x in zip(cols, suffixes or ("",) * len(cols)))
    using = f" USING {method.upper()} ({spelled})" if method else f"({spelled})"
    return f"CREATE {'UNIQUE ' if unique else ''}INDEX {q(name)} ON {q(table.name)}{using}"


def add_foreign_key(table: PTable, fk: tuple, provider: str) -> str:
    q = lambda n: quote(n, provider)
    name, cols, ref, refs, d, u = fk
    return (f"ALTER TABLE {q(table.name)} ADD CONSTRAINT {q(name)} FOREIGN KEY ({_cols(cols, provider)}) "
            f"REFERENCES {q(ref)}({_cols(refs, provider)}) ON DELETE {d} ON UPDATE {u}")


def sections(model: Datamodel) -> list[tuple[str, str]]:
    """(header, statement) pairs of the from-empty migration, in Prisma's order."""
    p = model.provider
    out = [("CreateEnum", f"CREATE TYPE {quote(name, p)} AS ENUM ({', '.join(_lit(v) for v in values)})")
           for name, values in model.enums]
    out += [("CreateTable", create_table(t, p)) for t in model.tables]
    for t in model.tables:
        out += [("CreateIndex", create_index(t, name, cols, True, None, p)) for name, cols in t.uniques]
        out += [("CreateIndex", create_index(t, name, cols, False, method, p, suffixes))
                for name, cols, method, suffixes in t.indexes]
    if p != "sqlite":
        out += [("AddForeignKey", add_foreign_key(t, fk, p)) for t in model.tables for fk in t.fks]
    return out


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def render(model: Datamodel) -> str:
    return "\n".join(f"-- {header}\n{statement};\n" for header, statement in sections(model))
