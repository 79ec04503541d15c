"""``op.*`` operations that packages register on Alembic (``Operations.register_operation``), replayed by
what the package's operation does to the schema.

- ``op.sync_enum_values(schema, name, old_values, new_values)`` of alembic-autogenerate-enums (imported by
  ``env.py``): on PostgreSQL, ``ALTER TYPE schema.name ADD VALUE 'v'`` for each value of ``new_values`` not in
  ``old_values``, each at the end of the type. The package iterates over a Python ``set`` of the added
  values, whose order the interpreter's string hashing decides, so with several values added their order
  is taken from ``new_values`` and a note says so. Values it does not add are never removed (the package
  has no DROP). The same name in alembic-postgresql-enum takes other arguments (``new_values`` third, then
  ``affected_columns``, and makes the type exactly ``new_values``): that spelling is refused by name.
"""
from __future__ import annotations

import ast

from ...operations import AddEnumValue
from ..pyast import call_kwargs

_AUTOGENERATE_ENUMS = ("schema", "name", "old_values", "new_values")


class ExtensionCalls:
    """Mixed into the replayer (``replay._Replayer``), beside ``replay_tables`` and ``replay_constraints``."""

    def sync_enum_values(self, call: ast.Call) -> None:
        kwargs = call_kwargs(call)
        if "affected_columns" in kwargs or "enum_values_to_rename" in kwargs or "enum_schema" in kwargs \
                or len(call.args) == 3 or len(call.args) > 4:
            raise self.error("op.sync_enum_values() of alembic-postgresql-enum (new_values, affected_columns) is "
                             "not replayed: only alembic-autogenerate-enums' (schema, name, old_values, "
                             "new_values) is", call)
        args = dict(zip(_AUTOGENERATE_ENUMS, call.args)) | {k: v for k, v in kwargs.items() if k}
        missing = [n for n in _AUTOGENERATE_ENUMS if n not in args]
        if missing or set(args) - set(_AUTOGENERATE_ENUMS):
            raise self.error("sync_enum_values: not (schema, name, old_values, new_values)", call)
        schema = self.reader.literal(args["schema"], self.scope, "sync_enum_values schema")
        if schema not in (None, "public"):
            raise self.error(f"sync_enum_values: schema {schema!r} is not supported (the replay reads one schema, "
                             "public)", call)
        name = self._str(args["name"], "sync_enum_values name", call)
        old = self._values(args["old_values"], "old_values")
        new = self._values(args["new_values"], "new_values")
        if self.dialect != "postgresql":
            raise self.error(f"op.sync_enum_values() runs ALTER TYPE, which {self.dialect} does not have", call)
        if not self.schema.has_enum(name):
            raise self.error(f"op.sync_enum_values(): no enum type {name!r} at this point of the history "
                             "(ALTER TYPE fails)", call)
        present = self.schema.enum(name).values
        added = [v for v in dict.fromkeys(new) if v not in old]
        if len([v for v in added if v not in present]) > 1:
            self.note(f"op.sync_enum_values() adds {len(added)} values to {name} in the order of a Python set, "
                      f"which string hashing decides: taken in new_values' order ({', '.join(added)})", call)
        for value in added:
            if value in present:
                raise self.error(f"op.sync_enum_values(): enum {name!r} has {value!r} already (ALTER TYPE ... "
                                 "ADD VALUE fails)", call)
            self.apply(AddEnumValue(name, value))

    def _values(self, node: ast.expr, what: str) -> list[str]:
        value = self.reader.literal(node, self.scope, what)
        if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(v, str) for v in value):
            raise self.error(f"sync_enum_values {what}: not a list of strings", node)
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)


__all__ = ["ExtensionCalls"]
