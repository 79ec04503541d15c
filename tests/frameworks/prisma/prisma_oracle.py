"""Prisma's own migration SQL, from its wasm schema engine driven by ``oracle/diff.mjs`` (the Prisma CLI cannot
run offline: it downloads its native engine first). The Node packages are installed into ``oracle/`` (git
ignored) on first use, from the npm registry; under CI a failure to install or run fails the test."""
from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

ORACLE = Path(__file__).parent / "oracle"


@cache
def _installed() -> str | None:
    """None when the engine is ready, else why not."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node/npm not found"
    with open(ORACLE / "package.json") as lock:  # one install at a time: the test workers share the folder
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (ORACLE / "node_modules" / "@prisma" / "schema-engine-wasm").is_dir():
            done = subprocess.run(["npm", "install", "--no-package-lock", "--no-audit", "--no-fund"], cwd=ORACLE,
                                  capture_output=True, text=True, timeout=600, check=False)
            if done.returncode:
                return "npm install failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return None


def require_oracle() -> None:
    why = _installed()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"Prisma's schema engine is unavailable ({why})", pytrace=False)
        pytest.skip(why)


def prisma_sql(provider: str, old: Path | None, new: Path, server_url: str | None = None) -> str:
    """The script ``prisma migrate diff --from-schema OLD --to-schema NEW --script`` prints."""
    args = ["node", "--experimental-wasm-modules", "--no-warnings", "diff.mjs", provider,
            str(old) if old else "-", str(new)]
    if server_url:
        args.append(server_url)
    done = subprocess.run(args, cwd=ORACLE, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout
