"""Plain up/down folders (the Diesel layout): ``{version}_{name}/up.sql`` and ``down.sql``."""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from . import Migration, MigrationFormat, up_down_files
from .numbering import TIMESTAMP

# Diesel writes 2024-01-31-120000_name; mgen writes 20240131120000_name. Both are read.
DIR_RE = re.compile(r"(\d+|(?:19|20)\d\d-\d\d-\d\d-\d{6})_(.*)")


class Plain(MigrationFormat):
    name = "plain"
    default_scheme = TIMESTAMP
    default_width = 6

    def owns(self, entry: Path) -> bool:
        return entry.is_dir() and DIR_RE.fullmatch(entry.name) is not None and (entry / "up.sql").is_file()

    def read(self, entries: Sequence[Path]) -> list[Migration]:
        migrations = []
        for folder in entries:
            version, name = DIR_RE.fullmatch(folder.name).groups()  # type: ignore[union-attr]
            down_path = folder / "down.sql"
            migrations.append(Migration.from_files(version, name, folder / "up.sql",
                                                   down_path if down_path.is_file() else None))
        return migrations

    def render(self, version, name, up, down, header, transactional=True):
        stem = f"{version}_{name}"
        files = up_down_files(f"{stem}/up.sql", f"{stem}/down.sql", up, down, header)
        if not transactional:
            # Diesel's way to run a migration outside a transaction
            files[f"{stem}/metadata.toml"] = "run_in_transaction = false\n"
        return files


FORMAT = Plain()
