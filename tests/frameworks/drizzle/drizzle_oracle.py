"""drizzle-kit as the judge of mgen's Drizzle migrations: ``generate`` run after mgen's files must find no
changes, ``migrate`` must apply them. The npm packages install into ``oracle/`` (git ignored) on first use, one
install at a time (a flock on package.json: the test workers share the folder); under CI a failure to install
or run fails the test."""
from __future__ import annotations

import subprocess
from pathlib import Path

from node_oracle import require

ORACLE = Path(__file__).parent / "oracle"
NO_CHANGES = "No schema changes, nothing to migrate"


def require_oracle() -> None:
    require(ORACLE, ("drizzle-kit", "pg", "@libsql/client"), "drizzle-kit")


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
