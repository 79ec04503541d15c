"""The framework interface: what a framework package implements so that every ``mgen`` command works on its
projects. ``cli``, ``workflow``, ``scope``, ``runner``, ``companions``, ``rollback`` and ``drift`` know no
framework by name: they ask the registry (``frameworks.registry``) for the one that detected the project and
call the methods below.

A framework is one package under ``frameworks/`` whose ``framework.py`` defines one subclass of ``Framework``,
listed once in ``registry.BUILTIN``. Each capability is a method; the ones a framework does not have keep the
base implementation, which says so (``MgenError`` naming the framework and the capability) or answers
"nothing" where that is a true answer (no drift, no source). What a framework offers is declared in
``capabilities``, so that commands can tell "not supported here" before doing any work.

    detection     detect(root, evidence, sources) -> Detection | None   its configuration files, with evidence
    scope         schema_rules(root, detection) -> [Rule]               what check/status scope to
                  rules_depend_on(root, detection) -> [Path] | None     None: the rules are found anew each run
                  last_migrations(root, detection, scope, deps)         the newest migration(s), for status
    state         desired_state(options) -> State                       models / schema file, read statically
                  current_state(options) -> State                       history replay, a folder, a git ref
    generate      generate(options) -> GenerateReport                   default: diff the two states (below)
                  write(plan, options) -> Written                       the framework's own migration file(s)
    native        native_generate(options) -> GenerateReport            the framework's own tool answers, run
                                                                        through the project's interpreter in a
                                                                        subprocess (``frameworks.native``)
    lint          lint(root, dialect, server_version, stats) -> LintReport
    migrate       migrate_command(action, root, name, python) -> argv   the framework's own command
                  database_hint(root, python) -> URL | None             the database migrate reaches, for the
                                                                        production guard (None: it cannot be told)
                  pending_migrations(root, python) -> [file-name prefix]
    rollback      rollback(options) -> RollbackReport
    drift         drift_lines(tree, settings, dialect) -> [str] | None  the models vs the migrations at a commit
    tests / docs  written_migrations(report, project, files) -> (WrittenMigration list, tests() -> [(path, text)]:
                  one test per migration written, or one test covering them all)
    source        read_source(path, dialect) -> Schema | None           a path as OLD/NEW of ``mgen diff``

The values it passes (``Detection``, ``Options``, ``State``, ``Written``, ``WrittenMigration``, ``GenerateReport``)
are in ``records``; this module imports them only for type checking, so that listing the frameworks (``mgen
check``) costs no more than their classes.

Every state says which strategy answered (``State.strategy``: "static models", "history replay",
"git ref HEAD", ...), and the output of ``generate`` says it in its notes when it is not the default one.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import MgenError

if TYPE_CHECKING:  # the values the interface passes (``records``) are imported by the methods that make them
    from ..lint import LintReport
    from ..plan import Plan
    from ..rollback import RollbackReport
    from ..rules import TableStats
    from ..schema import Schema
    from ..scope import PathRule, SchemaScope
    from .records import Detection, GenerateReport, Options, State, Written, WrittenMigration

CAPABILITIES = frozenset({"generate", "native", "lint", "migrate", "rollback", "drift", "tests", "docs", "source"})


class Framework:
    """Base of every framework: the capabilities it does not override say so by name."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""  # the name as messages spell it
    names: ClassVar[tuple[str, ...]] = ()  # every name detection may report for it (default: ``(name,)``)
    packages: ClassVar[tuple[str, ...]] = ()  # distributions (PEP 503 names) that name it in the dependencies
    capabilities: ClassVar[frozenset[str]] = frozenset()
    migrate_example: ClassVar[str] = ""  # its own command for ``migrate run``, as ``mgen migrate --help`` shows it
    found_by: ClassVar[str] = ""  # the file that makes a project one of its, as an error message names it
    detection_folders: ClassVar[tuple[str, ...]] = ()  # folders whose appearance can change the detection
    # the generate flags only this framework reads: ((flag, ...), argparse keyword arguments)
    generate_arguments: ClassVar[tuple[tuple[tuple[str, ...], dict[str, Any]], ...]] = ()
    # the project cache entries it writes (``.claude/cache/db/``): (file name, kind, format)
    cache_entries: ClassVar[tuple[tuple[str, str, int], ...]] = ()
    fallback: ClassVar[bool] = False  # generate's framework when none is found or a --schema file is given

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        unknown = set(cls.capabilities) - CAPABILITIES
        if unknown:
            raise TypeError(f"{cls.__name__}: unknown capabilities {sorted(unknown)}")
        if not cls.names and cls.name:
            cls.names = (cls.name,)

    def supports(self, capability: str) -> bool:
        return capability in self.capabilities

    def unsupported(self, capability: str) -> MgenError:
        return MgenError(f"{capability} is not supported for {self.name} projects")

    # -- detection ---------------------------------------------------------------------------------
    def detect(self, root: Path, evidence: list[str], sources: list[Path]) -> Detection | None:
        """The project at ``root`` when this framework's own files say it is one (evidence and the files read
        appended to the lists); None otherwise."""
        return None

    def dependency_detection(self, root: Path) -> Detection:
        """What to say when only the dependencies name the framework."""
        from .records import Detection

        return Detection(root, self.name)

    # -- scope (check / status) ---------------------------------------------------------------------
    def schema_rules(self, root: Path, detection: Detection) -> list[PathRule]:
        return []

    def rules_depend_on(self, root: Path, detection: Detection) -> list[Path] | None:
        """The files the rules are derived from (a cache re-checks them); None: find the rules every run."""
        return []

    def where(self, root: Path, detection: Any, config: str | None) -> str:
        """What ``status`` prints in brackets after the framework's name."""
        return config or "from the dependencies"

    def dialect_origin(self, source: str) -> str:
        """How ``status`` names a dialect source file (``source``: relative to the root)."""
        return source

    def last_migrations(self, root: Path, detection: Any, scope: SchemaScope, deps: list[Path]) -> list[dict]:
        """``[{"scope", "name", "path"}]``: the newest migration(s); ``deps`` gets the files that decide it."""
        return []

    def last_migration_folders(self, root: Path, scope: SchemaScope) -> set[str] | None:
        """The folders a cached answer of ``last_migrations`` must depend on exactly (None: no such check)."""
        return None

    def last_line(self, items: list[dict]) -> str:
        if not items:
            return "last migration: none yet"
        return f"last migration: {Path(items[-1]['path']).name}"

    # -- states and generate ----------------------------------------------------------------------------
    def desired_state(self, options: Options) -> State:
        raise self.unsupported("reading the desired state")

    def current_state(self, options: Options) -> State:
        raise self.unsupported("reading the current state")

    def generate(self, options: Options) -> GenerateReport:
        """The default: the current and desired states diffed, judged, verified when asked, then ``write``."""
        from .generate import generate_from_states

        return generate_from_states(self, options)

    def write(self, plan: Plan, options: Options) -> Written:
        raise self.unsupported("writing migrations")

    def native_generate(self, options: Options) -> GenerateReport:
        """``generate`` answered by the framework's own tool, run through the project's interpreter in a
        subprocess, never in mgen's process (``--engine native``, and ``auto`` where ``generate`` refused);
        ``frameworks.native.NativeError`` when it cannot run or refuses. The report's ``engine`` is "native"."""
        raise self.unsupported("--engine native")

    def check_options(self, options: Options) -> None:
        """Refuse (MgenError) the flags that do not apply to this framework."""
        if options.apps:
            raise MgenError("--app (the apps to generate for) applies to Django projects")
        if options.defaults:
            from .registry import frameworks

            owners = " and ".join(f.title for f in frameworks() if any("--default" in a[0] for a in f.generate_arguments))
            raise MgenError(f"--default (a one-off default) applies to {owners} projects; elsewhere the schema names "
                            "its defaults")

    def dialect_of(self, options: Options) -> str:
        """The dialect ``generate`` works in: ``--dialect``, else what the configuration names."""
        dialect = options.dialect or options.detected_dialect
        if dialect is None:
            raise MgenError("--dialect is required here (postgresql, mysql or sqlite)")
        return dialect

    # -- lint, migrate, rollback, drift ----------------------------------------------------------------
    def lint(self, root: Path, dialect: str | None, server_version: tuple[int, ...] | None,
             stats: dict[str, TableStats] | None) -> LintReport:
        raise self.unsupported("lint")

    def migrate_command(self, action: str, root: Path, name: str | None, python: str) -> list[str]:
        raise self.unsupported(f"migrate {action}")

    def database_hint(self, root: Path, python: str) -> str | None:
        """The URL (no password needed) of the database the framework's own migrate command will reach, as
        the project resolves it when that command runs; None when it cannot be told, and the production guard
        then asks for ``--yes``."""
        return None

    def pending_migrations(self, root: Path, python: str) -> list[str]:
        return []

    def rollback(self, options: Options) -> RollbackReport:
        raise self.unsupported("generate --rollback")

    def drift_lines(self, tree: Path, settings: str | None, dialect: str | None) -> list[str] | None:
        return None

    # -- companions (--with-tests / --with-docs) and mgen diff sources ---------------------------------
    def written_migrations(self, data: dict, project: Path, files: list[Path]) \
            -> tuple[list[WrittenMigration], Callable[[], list[tuple[Path, str]]]]:
        raise self.unsupported("--with-tests and --with-docs")

    def lint_target(self, project: Path, migrations: Sequence[WrittenMigration]) -> Path:
        """What the guide tells the reader to lint: the project (its history is read), by default."""
        return project

    def read_source(self, path: Path, dialect: str) -> Schema | None:
        return None
