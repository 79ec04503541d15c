"""Prisma's own migration SQL, from its wasm schema engine driven by ``oracle/diff.mjs`` (the Prisma CLI cannot
run offline: it downloads its native engine first). The Node packages are installed into ``oracle/`` (git
ignored) on first use, from the npm registry; under CI a failure to install or run fails the test."""
from __future__ import annotations

import subprocess
from pathlib import Path

from node_oracle import require

ORACLE = Path(__file__).parent / "oracle"


def require_oracle() -> None:
    require(ORACLE, ("@prisma/schema-engine-wasm",), "Prisma's schema engine")


def prisma_sql(provider: str, old: Path | None, new: Path, server_url: str | None = None) -> str:
    """The script ``prisma migrate diff --from-schema OLD --to-schema NEW --script`` prints."""
    args = ["node", "--experimental-wasm-modules", "--no-warnings", "diff.mjs", provider,
            str(old) if old else "-", str(new)]
    if server_url:
        args.append(server_url)
    done = subprocess.run(args, cwd=ORACLE, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout
