"""Reading a table is linear in its column count (issue #15 item 11: 10,000 SQL columns took 46 s, 5,000
SQLAlchemy columns 65 s: a lookup by name, a token search and a class-body scan per column). Judged by the
number of Python calls the read makes (cProfile's count, not time): four times the columns, about four
times the calls (sixteen when a step is quadratic). ``bench/wide_tables.py`` has the times."""
from __future__ import annotations

import cProfile
import pstats
from pathlib import Path

import pytest

from mgen.sources import load_schema


def sql_table(n: int) -> str:
    columns = ",\n".join(f"  c{i} {'varchar(20) NOT NULL' if i % 2 else 'int DEFAULT 0'}" for i in range(n))
    return f"CREATE TABLE w (id int PRIMARY KEY,\n{columns}\n);\nCREATE INDEX w_c1 ON w (c1);\n"


def declarative_class(n: int) -> str:
    columns = "".join(f"    c{i} = Column({'String(20)' if i % 2 else 'Integer'}, nullable={bool(i % 3)})\n"
                      for i in range(n))
    return ("from sqlalchemy import Column, Integer, String\nfrom sqlalchemy.orm import declarative_base\n"
            "Base = declarative_base()\n\n\nclass W(Base):\n    __tablename__ = 'w'\n    LIMIT = 20\n"
            f"    id = Column(Integer, primary_key=True)\n{columns}")


WRITERS = {"sql": (sql_table, "w.sql"), "sqlalchemy": (declarative_class, "w.py")}


def calls(path: Path) -> int:
    profile = cProfile.Profile()
    profile.enable()
    schema = load_schema(str(path), "postgresql")
    profile.disable()
    assert len(schema.table("w").columns) > 1
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_read_is_linear_in_columns(kind: str, tmp_path: Path) -> None:
    write, name = WRITERS[kind]
    counts = []
    for n in (50, 250, 1000):  # the first read imports and warms what any read needs
        path = tmp_path / str(n) / name
        path.parent.mkdir()
        path.write_text(write(n))
        counts.append(calls(path))
    small, large = counts[1], counts[2]
    assert large / small < 5.5, (kind, small, large)
