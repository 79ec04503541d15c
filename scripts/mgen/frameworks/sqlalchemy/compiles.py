"""``@compiles(SomeType, "mysql")`` in the models: SQLAlchemy's compiler extension, which changes the DDL
of a type on a dialect for the whole process (``sqlalchemy.ext.compiler``).

A module-level function decorated so, whose body returns one string (``return "DATETIME(6)"``), makes
every column of that SQLAlchemy type the type that string spells on the dialect; one that computes its
DDL is noted as not read. Overrides for other dialects do not apply. Only SQLAlchemy's own types are
read as targets (a project type's compilation is its own).
"""
from __future__ import annotations

import ast

from ...errors import MgenError
from ...sqltypes import parse_type
from ..pyast import Module, text_of
from .reader import ConstructReader, Scope
from .specs import TypeSpec


def read_compiles(reader: ConstructReader, module: Module) -> None:
    """Record the type DDL overrides ``module`` declares for the reader's dialect in ``reader.type_ddl``."""
    scope = Scope(module)
    for stmt in module.tree.body:
        if not isinstance(stmt, ast.FunctionDef):
            continue
        for d in stmt.decorator_list:
            if not (isinstance(d, ast.Call) and reader.callee(d, scope)[0] == "compiles" and d.args):
                continue
            target, _ = reader.callee(d.args[0], scope)
            dialects = [reader.literal(a, scope, "@compiles dialect") for a in d.args[1:]]
            if dialects and reader.dialect not in dialects:
                continue
            if target is None:
                continue  # a construct of the project, not a SQLAlchemy type
            body = [s for s in stmt.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            value = body[0].value if len(body) == 1 and isinstance(body[0], ast.Return) else None
            if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                reader.note(f"@compiles({text_of(d.args[0])}) computes the DDL of {target} when the code runs: not "
                            "read (its columns are read with SQLAlchemy's own DDL)", stmt, scope)
                continue
            try:
                column_type = parse_type(value.value, reader.dialect)
            except MgenError as e:
                raise reader.error(f"@compiles({text_of(d.args[0])}): {e.message}", value, scope) from None
            reader.type_ddl[target] = TypeSpec(column_type, label=value.value)
