"""The values the framework interface (``frameworks.base``) passes: what detection found, the options of one
``generate``, a state with the strategy that read it, what a writer wrote, a migration as the companions
describe it, and what ``generate`` answers."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..schema import Schema


@dataclass(frozen=True)
class Detection:
    """What detection found: the framework, the dialect, the file that says so, and why."""

    root: Path
    framework: str | None = None  # a registered framework's name (a SQL folder: its format), or None
    dialect: str | None = None  # "postgresql" | "mysql" | "sqlite" | None
    config: Path | None = None  # the configuration file or folder the framework was found by
    evidence: tuple[str, ...] = ()
    sources: tuple[Path, ...] = field(default=(), compare=False)  # the files the answer depends on
    # where the dialect came from: (the file relative to root, or "dependencies"; the evidence line; the URL)
    dialect_source: str | None = field(default=None, compare=False)
    dialect_detail: str | None = field(default=None, compare=False)
    url: str | None = field(default=None, compare=False)  # the configured database URL, password redacted
    by_files: bool = field(default=False, compare=False)  # found by its own files, not only the dependencies

    def to_dict(self) -> dict:
        return {"root": str(self.root), "framework": self.framework, "dialect": self.dialect,
                "config": str(self.config) if self.config else None, "evidence": list(self.evidence)}


@dataclass
class State:
    """A schema as one strategy read it, with its notes (what was skipped, what was assumed)."""

    schema: Schema
    notes: list[str] = field(default_factory=list)
    strategy: str = "static"


@dataclass
class Written:
    """What ``Framework.write`` produced: the files written (none on a dry run), the text it would have
    written (dry run), and any keys the framework adds to ``generate --json``."""

    files: list[Path] = field(default_factory=list)
    preview: str | None = None
    json_extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class WrittenMigration:
    """A migration ``generate`` wrote, as the companions (guide, test) describe it."""

    path: Path
    label: str  # what the rollback command names
    apply: str
    rollback: str


@dataclass
class Options:
    """The one options object the command line builds for ``generate`` / ``plan`` (every flag; a framework
    reads those that apply to it and refuses by name those that do not)."""

    project: Path
    dialect: str | None = None
    name: str | None = None
    renames: list[str] = field(default_factory=list)
    dry_run: bool = False
    verify: bool = False
    db: str | None = None
    json: bool = False
    migrations: str | None = None
    format: str | None = None
    schema: str | None = None
    changes: str | None = None
    models: str | None = None
    settings: str | None = None
    defaults: list[str] = field(default_factory=list)
    raw_sql: bool = False
    ini_section: str | None = None  # Alembic: the alembic.ini section (Alembic's --name)
    baseline_db: str | None = None  # Alembic: the database holding the SQL baseline the history starts from
    head: str | None = None  # Alembic: the head to replay to when the history has several
    from_diff: str | None = None
    base: str = "HEAD"
    zero_downtime: bool = False
    backfill: list[str] = field(default_factory=list)
    batch_size: int = 1000
    data_migration: bool = False
    rollback_app: str | None = None
    apps: list[str] = field(default_factory=list)  # Django: only these apps (``--app``, as makemigrations LABEL)
    engine: str = "auto"  # "static" | "native" | "auto" (``frameworks.engine``)
    python: str | None = None  # the project's interpreter for the native engine (default: found in the project)
    detection: Detection | None = None
    _made: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        """What ``make()`` returns, made once for these options: a framework's project is read once per run,
        however many of its methods ask for it."""
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    @property
    def detected_dialect(self) -> str | None:
        return self.detection.dialect if self.detection is not None else None


class GenerateReport:
    """What ``generate`` answers: printed by the command as ``lines()`` or ``to_json()``, with which engine
    answered (``frameworks.engine``): ``engine`` is "static" or "native", ``engine_line`` how the text output
    says it ("native (Django makemigrations via /venv/bin/python)")."""

    exit_code: int = 0
    engine: str = "static"
    engine_line: str = "static"

    def to_json(self) -> dict[str, Any]:  # pragma: no cover - the subclasses answer
        raise NotImplementedError

    def lines(self) -> list[str]:  # pragma: no cover
        raise NotImplementedError
