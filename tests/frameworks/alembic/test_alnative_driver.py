"""The native engine's scratch database read with a driver the project's interpreter has (issue #13:
full-stack-fastapi-template installs psycopg 3, not psycopg2, and SQLAlchemy 2.0 reads ``postgresql://`` (what
``--db`` gives) as psycopg2: "No module named 'psycopg2'", and the native engine could not run at all).

``native_driver.py`` runs in the project's interpreter; its ``importable_driver`` is taken from its text and run
here with the imports the project would have. The judge of the URL it returns is SQLAlchemy: the dialect it names
loads the DBAPI module that is there."""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

import mgen.frameworks.alembic as alembic_pkg

DRIVER = Path(alembic_pkg.__file__).parent / "native_driver.py"


def _importable_driver():
    tree = ast.parse(DRIVER.read_text())
    wanted = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "importable_driver"
              or isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "DRIVERS" for t in n.targets)]
    namespace: dict = {}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), str(DRIVER), "exec"), namespace)  # noqa: S102
    return namespace["importable_driver"]


@pytest.mark.parametrize("installed, expected", [
    ({"psycopg"}, "postgresql+psycopg://u@h:5432/db"),
    ({"psycopg2", "psycopg"}, "postgresql+psycopg2://u@h:5432/db"),
    (set(), "postgresql://u@h:5432/db"),
], ids=["psycopg-only", "both", "none"])
def test_a_server_url_without_a_driver_gets_one_the_project_has(monkeypatch, installed: set, expected: str):
    def import_module(name, *args):  # the project's interpreter: only the DBAPI modules ``installed``
        if name not in installed:
            raise ImportError(f"No module named {name!r}")
        return object()

    monkeypatch.setattr(importlib, "import_module", import_module)
    url = _importable_driver()("postgresql://u@h:5432/db")
    assert url == expected
    if installed == {"psycopg"}:  # SQLAlchemy loads that driver's own DBAPI module
        assert make_url(url).get_dialect().driver == "psycopg"


def test_a_url_naming_its_driver_is_kept():
    assert _importable_driver()("postgresql+pg8000://u@h/db") == "postgresql+pg8000://u@h/db"
    assert _importable_driver()("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
