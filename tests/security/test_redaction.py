"""No password is shown, stored or put in an error (issue #15 item 2): one redaction (``mgen.db.redact``)
for every URL shape people type, judged by what each driver takes as the password (libpq's own parser for
PostgreSQL, mgen's PyMySQL arguments for MySQL); then the places a URL reaches: the project cache
(``db-type.json``), ``mgen status --json`` and a connection error."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from mgen.db import connect, mysql_parameters, redact
from mgen.errors import MgenError

SECRET = "Xy7secret"
SHAPES = [  # (url, the secret as the user wrote it)
    (f"postgresql://app:{SECRET}@db.example.com:5432/shop", SECRET),
    (f"postgresql://app:{SECRET}%40x@db/shop", f"{SECRET}%40x"),
    (f"postgresql://app:{SECRET}@x@db/shop", f"{SECRET}@x"),
    (f"postgresql://app:{SECRET}#x@db/shop", f"{SECRET}#x"),
    (f"postgresql://app:{SECRET}/x@db/shop", f"{SECRET}/x"),
    (f"postgresql://app:{SECRET}?x@db/shop", f"{SECRET}?x"),
    (f"postgresql://app:[{SECRET}@db/shop", f"[{SECRET}"),
    (f"postgresql://app@db/shop?password={SECRET}&sslmode=require", SECRET),
    (f"postgresql://app@db/shop?sslmode=require&PASSWORD={SECRET}", SECRET),
    (f"postgresql://app@db/shop?sslpassword={SECRET}", SECRET),
    (f"postgresql+psycopg://app:{SECRET}@[::1]:5432/shop", SECRET),
    (f"mysql://root:{SECRET}@127.0.0.1:3306/shop", SECRET),
    (f"mysql+pymysql://root:{SECRET}#x@db/shop", f"{SECRET}#x"),
    (f"mysql://root:{SECRET}/x@db/shop?charset=utf8mb4", f"{SECRET}/x"),
    (f"mariadb://root@db/shop?password={SECRET}", SECRET),
]


def _driver_password(url: str) -> str | None:
    """What the driver would send as the password (None: it cannot read the URL)."""
    try:
        if url.startswith("postgresql"):
            return psycopg.conninfo.conninfo_to_dict("postgresql://" + url.split("://", 1)[1]).get("password")
        return mysql_parameters(url)["password"] or None
    except (psycopg.Error, ValueError):
        return None


@pytest.mark.parametrize(("url", "secret"), SHAPES)
def test_redact_hides_the_password_every_shape(url: str, secret: str) -> None:
    shown = redact(url)
    assert SECRET not in shown and secret not in shown, shown
    password = _driver_password(url)
    assert not password or password not in shown, (password, shown)
    assert shown.split("://")[0] == url.split("://")[0]  # still says what it is


def test_the_judge_reads_passwords() -> None:
    """The drivers do take these as passwords (else the test above would prove little)."""
    assert _driver_password(SHAPES[0][0]) == SECRET
    assert _driver_password(SHAPES[7][0]) == SECRET
    assert _driver_password(SHAPES[11][0]) == SECRET
    assert _driver_password(SHAPES[14][0]) == SECRET


@pytest.mark.parametrize(("url", "secret"), [s for s in SHAPES if "[::1]" not in s[0]])
def test_a_connection_error_shows_no_password(url: str, secret: str) -> None:
    unreachable = url.replace("db.example.com:5432", "127.0.0.1:1").replace("@db/", "@127.0.0.1:1/") \
        .replace("127.0.0.1:3306", "127.0.0.1:1")
    with pytest.raises(MgenError) as e:
        connect(unreachable).close()
    assert SECRET not in e.value.one_line()


@pytest.mark.parametrize(("url", "secret"), SHAPES)
def test_status_and_the_cache_show_no_password(url: str, secret: str, tmp_path: Path) -> None:
    root = tmp_path / "shop"
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "alembic.ini").write_text(f"[alembic]\nscript_location = migrations\nsqlalchemy.url = {url}\n"
                                      .replace("%", "%%"))
    (root / "migrations" / "env.py").write_text("from alembic import context\ntarget_metadata = None\n")
    env = {**os.environ, "MGEN_CACHE_DIR": str(tmp_path / "user-cache")}
    done = subprocess.run([sys.executable, "-m", "mgen.cli", "status", str(root), "--json"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    written = "".join(p.read_text() for p in (root / ".claude").rglob("*.json"))
    for text in (done.stdout, done.stderr, written):
        assert SECRET not in text
    assert json.loads(done.stdout)["framework"]["name"] == "alembic", done.stderr
