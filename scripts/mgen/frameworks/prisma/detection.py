"""Where a Prisma project keeps its schema and migrations, as the Prisma CLI finds them: package.json's
``prisma.schema`` (a file or a folder), else ``prisma/schema.prisma``, a ``prisma/schema/`` folder of
``*.prisma`` files (also ``prisma/`` itself when ``*.prisma`` files sit beside or below its
``schema.prisma``, as prisma.config.ts's ``schema: "prisma"`` says), or ``schema.prisma`` at the root; the migrations folder beside the schema
(``prisma/migrations``), with ``migration_lock.toml`` naming the provider."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import MgenError

CANDIDATES = ("prisma/schema.prisma", "prisma/schema", "schema.prisma")
_FOLDER = re.compile(r"^\d{14}_")  # 20240101120000_name (other folders are not Prisma's)


@dataclass(frozen=True)
class Layout:
    root: Path
    schema: Path  # the file or the folder
    migrations: Path

    def schema_files(self) -> list[Path]:
        if self.schema.is_dir():
            return sorted(self.schema.rglob("*.prisma"))
        return [self.schema]

    def migration_folders(self) -> list[Path]:
        if not self.migrations.is_dir():
            return []
        return sorted(p for p in self.migrations.iterdir() if p.is_dir() and (p / "migration.sql").is_file())


def _package_schema(root: Path) -> Path | None:
    package = root / "package.json"
    if not package.is_file():
        return None
    try:
        data = json.loads(package.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise MgenError(f"package.json is not valid JSON ({e})", str(package)) from None
    schema = (data.get("prisma") or {}).get("schema") if isinstance(data, dict) else None
    return root / schema if isinstance(schema, str) else None


def find_layout(root: Path) -> Layout | None:
    """The project's schema and migrations, None when it is no Prisma project."""
    schema = _package_schema(root)
    if schema is None or not schema.exists():
        schema = next((root / c for c in CANDIDATES if (root / c).exists()), None)
    if schema is None:
        return None
    if schema.is_dir() and not any(schema.rglob("*.prisma")):
        return None
    if schema.is_file() and len(list(schema.parent.rglob("*.prisma"))) > 1:
        schema = schema.parent  # prisma/schema.prisma + prisma/models/*.prisma: one multi-file schema
    base = schema if schema.is_dir() else schema.parent
    migrations = base / "migrations"
    if schema.is_dir() and not migrations.is_dir() and (schema.parent / "migrations").is_dir():
        migrations = schema.parent / "migrations"
    return Layout(root, schema, migrations)


def lock_provider(layout: Layout) -> str | None:
    """The provider ``migration_lock.toml`` names (``provider = "postgresql"``), None without the file."""
    lock = layout.migrations / "migration_lock.toml"
    if not lock.is_file():
        return None
    for number, line in enumerate(lock.read_text(encoding="utf-8").splitlines(), 1):
        key, sep, value = line.partition("=")
        if sep and key.strip() == "provider":
            value = value.strip()
            if len(value) < 2 or value[0] != '"' or value[-1] != '"':
                raise MgenError("provider must be a quoted string", str(lock), number)
            return value[1:-1]
    return None


def migration_name(folder: Path) -> bool:
    return bool(_FOLDER.match(folder.name))
