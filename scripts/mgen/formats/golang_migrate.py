"""golang-migrate: ``{version}_{name}.up.sql`` and ``{version}_{name}.down.sql`` side by side."""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import MgenError
from . import Migration, MigrationFormat, up_down_files
from .numbering import SEQUENCE, version_number

FILE_RE = re.compile(r"(\d+)_(.*)\.(up|down)\.sql")


class GolangMigrate(MigrationFormat):
    name = "golang-migrate"
    default_scheme = SEQUENCE  # `migrate create -seq` is the common choice
    default_width = 6  # `migrate create -seq -digits 6`, the default width

    def owns(self, entry: Path) -> bool:
        return entry.is_file() and FILE_RE.fullmatch(entry.name) is not None

    def read(self, entries: Sequence[Path]) -> list[Migration]:
        # version number -> direction -> (version text, name, path)
        found: dict[int, dict[str, tuple[str, str, Path]]] = {}
        for path in entries:
            version, name, direction = FILE_RE.fullmatch(path.name).groups()  # type: ignore[union-attr]
            pair = found.setdefault(version_number(version), {})
            if direction in pair:
                raise MgenError(f"duplicate migration version {version} (also {pair[direction][2].name})", str(path))
            pair[direction] = (version, name, path)
        migrations = []
        for pair in found.values():
            if "up" not in pair:
                raise MgenError("down migration without an up file", str(pair["down"][2]))
            version, name, up_path = pair["up"]
            migrations.append(Migration.from_files(version, name, up_path, pair["down"][2] if "down" in pair else None))
        return migrations

    def render(self, version, name, up, down, header, transactional=True):
        # golang-migrate sends a file as one query: PostgreSQL runs a single statement outside any
        # transaction, which is why a non-transactional migration holds exactly one
        stem = f"{version}_{name}"
        return up_down_files(f"{stem}.up.sql", f"{stem}.down.sql", up, down, header)


FORMAT = GolangMigrate()
