"""``Model._meta.db_table``, ``.app_label`` and ``.model_name`` of a project's model class, as Django's
``Options`` gives them, where a migration computes a value with one: wagtail's search migration names its
FTS table ``"%s_fts" % IndexEntry._meta.db_table``.

``app_label``: Meta's, else the app whose module defines the class; ``model_name``: the class name in lower
case; ``db_table``: Meta's (inherited as ``meta_options`` inherits it), else ``<app_label>_<model_name>``,
which Django truncates past the database's name length (63 on PostgreSQL, 64 on MySQL): a longer one stays
unknown. Anything else of ``_meta``, or a class that is not a model, is unknown (None).
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .source import Definition

if TYPE_CHECKING:
    from .project import DjangoProject

ATTRIBUTES = ("db_table", "app_label", "model_name")
_LONGEST = 63  # the shortest limit a database Django truncates table names for has


def attribute(project: DjangoProject, cls: Definition, attr: str) -> Any:
    """``cls._meta.<attr>``, or None when it is not known."""
    from .models import ModelClassReader

    if attr not in ATTRIBUTES or not isinstance(cls.node, ast.ClassDef):
        return None
    reader = ModelClassReader(project)
    if not reader.is_model(cls) or reader.is_abstract(cls):
        return None
    meta = reader.meta_options(cls)
    app = project.app_of_module(cls.module.name)
    label = meta.get("app_label") or (app.label if app is not None else None)
    if not isinstance(label, str):
        return None
    name = cls.node.name.lower()
    if attr == "app_label":
        return label
    if attr == "model_name":
        return name
    table = meta.get("db_table")
    if table is None:
        table = f"{label}_{name}"
        return table if len(table) <= _LONGEST else None
    return table if isinstance(table, str) else None
