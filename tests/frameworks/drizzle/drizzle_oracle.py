"""drizzle-kit as the judge of mgen's Drizzle migrations: ``generate`` run after mgen's files must find no
changes, ``migrate`` must apply them. The npm packages install into ``oracle/`` (git ignored) on first use, one
install at a time (a flock on package.json: the test workers share the folder); under CI a failure to install
or run fails the test."""
from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

ORACLE = Path(__file__).parent / "oracle"
NO_CHANGES = "No schema changes, nothing to migrate"


@cache
def _installed() -> str | None:
    """None when drizzle-kit is ready, else why not."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node/npm not found"
    with open(ORACLE / "package.json") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not all((ORACLE / "node_modules" / p).is_dir() for p in ("drizzle-kit", "pg", "@libsql/client")):
            done = subprocess.run(["npm", "install", "--no-package-lock", "--no-audit", "--no-fund"], cwd=ORACLE,
                                  capture_output=True, text=True, timeout=600, check=False)
            if done.returncode:
                return "npm install failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return None


def require_oracle() -> None:
    why = _installed()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"drizzle-kit is unavailable ({why})", pytrace=False)
        pytest.skip(why)


def project(root: Path, schema: str, url: str | None = None, dialect: str = "postgresql") -> Path:
    """A Drizzle project at ``root``: ``drizzle.config.ts`` (``dialect``, ``src/schema.ts``, out ``drizzle``),
    the schema, and the oracle's node_modules linked in (the schema imports drizzle-orm)."""
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "src" / "schema.ts").write_text(schema)
    credentials = f"\n  dbCredentials: {{ url: {url!r} }}," if url else ""
    (root / "drizzle.config.ts").write_text(
        'import { defineConfig } from "drizzle-kit";\n\nexport default defineConfig({\n  schema: "./src/schema.ts",\n'
        f'  out: "./drizzle",\n  dialect: "{dialect}",{credentials}\n}});\n')
    if not (root / "node_modules").exists():
        (root / "node_modules").symlink_to(ORACLE / "node_modules")
    return root


def drizzle_kit(root: Path, *args: str) -> str:
    done = subprocess.run(["node", str(ORACLE / "node_modules" / "drizzle-kit" / "bin.cjs"), *args], cwd=root,
                          capture_output=True, text=True, timeout=180, check=False, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def statements(sql: str) -> list[str]:
    return [s.strip() for s in sql.split("--> statement-breakpoint") if s.strip()]
