"""The production guard judges the database the driver will reach (issue #15 item 1): a URL completed by
libpq from the environment or a service file is judged as completed (libpq itself is the judge, on the local
server), and a target mgen cannot tell is treated as production."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mgen import target

PG_ENV = ("PGHOST", "PGHOSTADDR", "PGDATABASE", "PGUSER", "PGSERVICE", "PGSERVICEFILE", "PGSYSCONFDIR")


@pytest.fixture
def clean_env(monkeypatch, tmp_path: Path) -> dict[str, str]:
    for var in PG_ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "none.conf"))
    monkeypatch.setenv("PGSYSCONFDIR", str(tmp_path))
    return {"PGSERVICEFILE": str(tmp_path / "none.conf"), "PGSYSCONFDIR": str(tmp_path)}


@pytest.mark.parametrize(("url", "env", "reason"), [
    ("postgresql://app@/", {"PGDATABASE": "live_shop"}, "'live_shop' contains 'live'"),
    ("postgresql:///app", {"PGHOST": "db.example.com"}, "host db.example.com is not this machine"),
    ("postgresql://app@localhost/app", {"PGHOST": "db.example.com"}, None),  # the URL's host wins
    ("postgresql://app@localhost/app", {"PGHOSTADDR": "10.0.0.5"}, "host 10.0.0.5 is not this machine"),
    ("postgresql:///app?host=localhost,db.example.com", {}, "host db.example.com is not this machine"),
    ("postgresql:///app?host=/var/run/postgresql", {"PGHOST": "db.example.com"}, None),
    ("postgresql://localhost/", {"PGUSER": "prod_owner"}, "'prod_owner' contains 'prod'"),  # dbname = user
    ("postgresql:///app?service=nowhere", {}, "cannot tell which database"),
    ("postgresql:///?service=shop", {"SERVICE": "[shop]\nhost=db.internal\ndbname=shop\n"},
     "host db.internal is not this machine"),
    ("postgresql://app@localhost/?service=shop", {"SERVICE": "[shop]\ndbname=shop_production\n"}, "production"),
    ("postgresql://app@localhost/dev?service=shop", {"SERVICE": "[shop]\ndbname=shop_production\n"}, None),
    ("mysql://root@127.0.0.1/", {"PGDATABASE": "live_shop"}, None),  # PyMySQL reads no environment
])
def test_the_target_is_resolved_as_libpq_does(url: str, env: dict[str, str], reason: str | None,
                                              clean_env: dict[str, str], tmp_path: Path) -> None:
    env = dict(env)
    if "SERVICE" in env:
        (tmp_path / "none.conf").write_text(env.pop("SERVICE"))
    found = target.looks_like_production(url, {**clean_env, **env})
    assert found is None if reason is None else reason in (found or ""), found


@pytest.mark.postgres
def test_libpq_reaches_the_database_resolve_names(clean_env: dict[str, str], tmp_path: Path, monkeypatch,
                                                  postgres_url: str) -> None:
    """The judge: libpq connects where ``resolve`` says, from the environment and from a service file."""
    import psycopg

    host = psycopg.conninfo.conninfo_to_dict(postgres_url).get("host", "127.0.0.1")
    (tmp_path / "none.conf").write_text(f"[mgen_guard]\nhost={host}\ndbname=template1\n")
    cases = [("postgresql://postgres@/", {"PGHOST": host, "PGDATABASE": "template1"}),
             ("postgresql://postgres@/?service=mgen_guard", {})]
    for url, env in cases:
        for var, value in env.items():
            monkeypatch.setenv(var, value)
        resolved = target.resolve(url)
        with psycopg.connect(url, connect_timeout=10) as conn:
            assert (conn.info.dbname, conn.info.host) == (resolved.name, resolved.hosts[0]), url
        for var in env:
            monkeypatch.delenv(var)


def test_migrate_run_asks_for_yes_when_the_environment_names_production(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "000001_init.up.sql").write_text("CREATE TABLE t (id int);\n")
    (folder / "000001_init.down.sql").write_text("DROP TABLE t;\n")
    env = {k: v for k, v in os.environ.items() if k not in PG_ENV}
    env.update(PGDATABASE="live_shop", PGHOST="127.0.0.1", PGSERVICEFILE=str(tmp_path / "none.conf"))
    done = subprocess.run([sys.executable, "-m", "mgen.cli", "migrate", "run", "--db", "postgresql://postgres@/",
                           "--migrations", str(folder)], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and "'live_shop' contains 'live'" in done.stderr and "--yes" in done.stderr


DJANGO_SETTINGS = """import os
SECRET_KEY = "x"
INSTALLED_APPS = []
DATABASES = {"default": {"ENGINE": os.environ.get("SHOP_ENGINE", "django.db.backends.postgresql"),
                         "HOST": os.environ.get("SHOP_DB_HOST", "localhost"),
                         "NAME": os.environ.get("SHOP_DB_NAME", "shop")}}
"""


@pytest.mark.parametrize(("env", "refused"), [
    ({"SHOP_DB_HOST": "db.example.com"}, "host db.example.com is not this machine"),  # statically: localhost
    ({"SHOP_DB_NAME": "live_shop"}, "'live_shop' contains 'live'"),
    ({"SHOP_DB_HOST": "", "PGHOST": "db.internal"}, "host db.internal is not this machine"),  # libpq's default
    ({"SHOP_ENGINE": "django.db.backends.sqlite3", "SHOP_DB_NAME": "dev.sqlite3"}, None),
])
def test_django_migrate_judges_the_settings_as_they_run(env: dict[str, str], refused: str | None,
                                                        tmp_path: Path) -> None:
    root = tmp_path / "shop"
    (root / "conf").mkdir(parents=True)
    (root / "conf" / "__init__.py").write_text("")
    (root / "conf" / "settings.py").write_text(DJANGO_SETTINGS)
    (root / "manage.py").write_text('import os, sys\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")\n'
                                    "from django.core.management import execute_from_command_line\n"
                                    "execute_from_command_line(sys.argv)\n")
    base = {k: v for k, v in os.environ.items() if k not in PG_ENV}
    done = subprocess.run([sys.executable, "-m", "mgen.cli", "migrate", "run"], cwd=root, env={**base, **env},
                          capture_output=True, text=True, timeout=300, check=False)
    if refused is None:
        assert done.returncode == 0 and "No migrations to apply" in done.stdout, done.stdout + done.stderr
    else:
        assert done.returncode == 2 and refused in done.stderr and "--yes" in done.stderr, done.stderr
