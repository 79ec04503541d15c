"""Scratch databases are not left behind (issue #15 item 6): SIGTERM unwinds like Ctrl-C, so the scratch
database is dropped; what a SIGKILL leaves, the next run on this machine drops once it is an hour old and
its process is gone. Another machine's scratch databases and every other database are never touched."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import require_server

from mgen import db

DEAD_PID = 2**22 + 12345  # above Linux's largest pid


def _name(host: str, pid: int, age: float) -> str:
    return f"{db.SCRATCH_PREFIX}{host}_{pid}_{int(time.time() - age)}_abcdef"


def test_which_scratch_databases_are_stale() -> None:
    here = db._host_tag()
    stale = _name(here, DEAD_PID, 7200)
    names = [stale, _name(here, os.getpid(), 7200), _name(here, DEAD_PID, 60), _name("000000" if here != "000000"
             else "111111", DEAD_PID, 7200), "mgen_scratch_123_abcd1234", "shop_production", db.scratch_name()]
    assert db.stale_scratch(names) == [stale]


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_the_next_run_drops_what_a_killed_one_left(dialect: str) -> None:
    server = require_server(dialect)
    here = db._host_tag()
    stale, fresh, mine = _name(here, DEAD_PID, 7200), _name(here, DEAD_PID, 60), _name(here, os.getpid(), 7200)
    q = '"' if dialect == "postgresql" else "`"
    admin_url = server if dialect == "postgresql" else db.url_with_database(server, "")
    with db.connect(admin_url) as admin:
        for name in (stale, fresh, mine):
            admin.execute(f"CREATE DATABASE {q}{name}{q}")
    try:
        with db.scratch_database(dialect, server):
            pass
        with db.connect(admin_url) as admin:
            listed = {r[0] for r in admin.query(
                "SELECT datname FROM pg_database" if dialect == "postgresql" else
                "SELECT schema_name FROM information_schema.schemata")}
        assert stale not in listed and {fresh, mine} <= listed
    finally:
        with db.connect(admin_url) as admin:
            for name in (stale, fresh, mine):
                admin.execute(f"DROP DATABASE IF EXISTS {q}{name}{q}")


HOLD = """
import sys, time
from mgen.cli import handle_termination
from mgen.db import scratch_database
with handle_termination():
    with scratch_database(sys.argv[1], sys.argv[2]) as url:
        print(url.rsplit("/", 1)[1].split("?")[0], flush=True)
        time.sleep(120)
"""


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_sigterm_drops_the_scratch_database(dialect: str) -> None:
    server = require_server(dialect)
    proc = subprocess.Popen([sys.executable, "-c", HOLD, dialect, server], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    name = proc.stdout.readline().strip()
    assert name.startswith(db.SCRATCH_PREFIX), proc.stderr.read()
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)
    admin_url = server if dialect == "postgresql" else db.url_with_database(server, "")
    with db.connect(admin_url) as admin:
        listed = {r[0] for r in admin.query(
            "SELECT datname FROM pg_database" if dialect == "postgresql" else
            "SELECT schema_name FROM information_schema.schemata")}
    assert name not in listed
