"""An Alembic project end to end: where its models are, what its revisions produce, the next revision.

- **layout**: ``detection.find_layout`` (``alembic.ini``, Flask-Migrate's ``migrations/alembic.ini``, a script
  folder with no ini), the section ``--ini-section`` names.
- **models**: ``--models PATH``, else ``models_entry``: what ``env.py`` imports ``target_metadata`` from, or
  the ``db.Model`` classes of a Flask-SQLAlchemy app.
- **current state**: the revision chain replayed statically (``replay.py``), never the models of the last
  commit: generating twice writes nothing the second time.
- **next revision**: ``writer.write_revision``, revising the single head (several: the one ``--head`` names).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ...errors import MgenError
from ...schema import Schema
from ..pyast import import_root
from .config import AlembicConfig


@dataclass(frozen=True)
class AlembicProject:
    root: Path
    config: AlembicConfig
    dialect: str
    models: Path
    # how the models were found when they were (not --models); "flask": found as db.Model classes
    models_how: str | None = None
    models_kind: str | None = None

    def current_schema(self, head: str | None = None, baseline_db: str | None = None) -> tuple[Schema, list[str]]:
        """What ``alembic upgrade head`` produces, with the replay's notes (opaque data steps...). A history
        that starts from tables no revision creates starts from ``baseline_db``'s schema, else from the
        models' tables (said in a note); several heads need ``head`` (the error says which fits the models)."""
        from ..sqlalchemy.reader import compiled_as
        from .replay_project import current_replay

        if (head, baseline_db) in self._replays:
            return self._replays[(head, baseline_db)]
        models: Schema | None = None
        try:
            models = self._models_read[0]
        except MgenError:  # the models' own error comes from desired_state, with its file and line
            models = None
        with compiled_as(self._type_ddl):  # the models' @compiles apply to the revisions' types too
            replayed = current_replay(list(self.config.version_locations), self.dialect, head=head,
                                      db_url=baseline_db, models=models, models_source=str(self.models),
                                      from_git=self._git_baseline)
        schema, notes = replayed.schema, [n.one_line() for n in replayed.notes]
        if models is not None:  # revision folders the project runs itself (CTFd's plugins): side_revisions
            from .side_revisions import side_folders, with_side_tables

            folders = side_folders(self.root, tuple(self.config.version_locations))
            if folders:
                schema, more = with_side_tables(schema, models, folders, self.root)
                notes += more
        self._replays[(head, baseline_db)] = schema, notes
        return self._replays[(head, baseline_db)]

    def _git_baseline(self, graph):
        """The baseline ``db.create_all()`` made, from the models at the commit before the first revision
        (``replay_git``), or why git cannot say."""
        from .replay_git import ModelsPlace, git_baseline

        start = import_root(self.models)
        place = ModelsPlace(self.root, self.models, self.root if start == self.root.resolve() else start,
                            self.dialect, flask=self.models_kind == "flask",
                            skip=(self.config.script_location, *self.config.version_locations))
        return git_baseline(graph, place)

    @cached_property
    def _replays(self) -> dict:  # (head, baseline_db) -> the replay: desired_state needs it for Continuum's tables
        return {}

    def models_schema(self, head: str | None = None, baseline_db: str | None = None) -> tuple[Schema, list[str]]:
        """The models' schema; SQLAlchemy-Continuum's tables (made when the code runs) as the revisions up to
        ``head`` have them (``sqlalchemy.continuum``)."""
        schema, notes, _, versioned, _ = self._models_read
        schema, notes = self._defaults_as_compared(schema, notes, head, baseline_db)
        if not versioned:
            return schema, notes
        from ..sqlalchemy.continuum import with_version_tables

        schema, more = with_version_tables(schema, self.current_schema(head, baseline_db)[0], versioned, self.dialect)
        return schema, notes + more

    def _defaults_as_compared(self, schema: Schema, notes: list[str], head: str | None,
                              baseline_db: str | None) -> tuple[Schema, list[str]]:
        """Server defaults as the project's autogenerate compares them (``compare_defaults``)."""
        from .compare_defaults import option_set_at, with_replayed_defaults

        if option_set_at(self.root, tuple(self.config.version_locations)) is not None:
            return schema, notes
        try:
            replayed = self.current_schema(head, baseline_db)[0]
        except MgenError:  # the history's refusal is current_state's, with its file and line
            return schema, notes
        schema, more = with_replayed_defaults(schema, replayed)
        return schema, notes + more

    def models_declared(self) -> dict:
        """(table, column) -> (ColumnType, DeclaredType): the models' types as autogenerate spells them."""
        return self._models_read[2]

    @cached_property
    def _models_read(self) -> tuple[Schema, list[str], dict, dict, dict]:  # read once: the replay's baseline needs them
        from ..sqlalchemy import read_models_with_notes

        start = import_root(self.models)  # where the models' imports start (above the project: lemur/migrations)
        read = read_models_with_notes(self.models, self.dialect,
                                      root=self.root if start == self.root.resolve() else start)
        if self.models_kind == "flask" and not read.schema.tables:  # never "drop every table" for that
            raise MgenError(f"no table read from the models ({self.models_how}): their classes on db.Model were "
                            "not understood; give the models with --models PATH", str(self.models))
        return read.schema, [n.one_line() for n in read.notes], read.declared, read.versioned, read.type_ddl

    @property
    def _type_ddl(self) -> dict:
        """The models' ``@compiles`` overrides (none when the models cannot be read)."""
        try:
            return self._models_read[4]
        except MgenError:
            return {}


def open_project(root: Path, dialect: str | None = None, models: Path | None = None, section: str | None = None,
                 detected: str | None = None) -> AlembicProject:
    """The project at ``root`` (``detection.find_layout``). The dialect: ``dialect`` (``--dialect``), else the
    ``sqlalchemy.url`` of the section read, else ``detected`` (what ``frameworks.detect`` found), else
    detection runs here: one answer for status, plan, generate, lint and rollback."""
    from .detection import find_layout

    layout = find_layout(root)
    if layout is None:
        raise MgenError("no alembic.ini, Flask-Migrate migrations/alembic.ini or Alembic script folder (env.py and "
                        "versions/) in the project", str(root))
    config = layout.config(section)
    dialect = dialect or config.dialect or detected or _detected_dialect(root, config)
    how = kind = None
    if models is None:
        models, how, kind = find_models(root, config, layout.ini)
    elif not models.exists():
        raise MgenError("no such models file or folder", str(models))
    return AlembicProject(root, config, dialect, models, how, kind)


def _detected_dialect(root: Path, config: AlembicConfig) -> str:
    from ..detect import detect

    found = detect(root)
    if found.framework == "alembic" and found.dialect is not None:
        return found.dialect
    several = [e for e in found.evidence if "several" in e]
    why = f" ({'; '.join(several)})" if several else ""
    raise MgenError(f"no dialect found: the ini's sqlalchemy.url, env.py, the application's configuration, the "
                    f"dependencies and docker-compose name none{why}: give --dialect (postgresql, mysql or sqlite)",
                    str(config.ini_path))


def find_models(root: Path, config: AlembicConfig, ini: Path | None = None) -> tuple[Path, str, str]:
    """The models ``env.py`` points at through ``target_metadata``, or a Flask app's ``db.Model`` classes
    (``models_entry``): (the path, how it was found, "env.py" or "flask")."""
    from .models_entry import models_entry, search_path

    env = config.script_location / "env.py"
    skip = (config.script_location, *config.version_locations)
    return models_entry(root, env if env.is_file() else None,
                        search_path(root, ini.parent if ini is not None else None), skip)
