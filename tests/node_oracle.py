"""The npm-installed oracles of the Node ORMs (Prisma's schema engine, drizzle-kit): each in a folder with its
own package.json, installed from the npm registry into a git-ignored node_modules on first use, one install at a
time (the test workers share the folder: a lock on package.json). Under CI a failure to install fails the test."""
from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest


@cache
def installed(folder: Path, packages: tuple[str, ...]) -> str | None:
    """None when ``packages`` are in ``folder``'s node_modules (installing them if not), else why not."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node/npm not found"
    with open(folder / "package.json") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not all((folder / "node_modules" / p).is_dir() for p in packages):
            done = subprocess.run(["npm", "install", "--no-package-lock", "--no-audit", "--no-fund"], cwd=folder,
                                  capture_output=True, text=True, timeout=600, check=False)
            if done.returncode:
                return "npm install failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return None


def require(folder: Path, packages: tuple[str, ...], what: str) -> None:
    """Skip the test without the oracle; under CI, fail it."""
    why = installed(folder, packages)
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is unavailable ({why})", pytrace=False)
        pytest.skip(why)
