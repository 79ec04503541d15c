"""Where an Alembic project keeps its configuration and its revisions: the layouts mgen finds from the folder
a user runs the tool in (``root``), without importing anything.

- ``alembic init``: ``alembic.ini`` in the project folder, whose ``script_location`` names the script folder.
- ``alembic.ini`` one folder down (``backend/alembic.ini`` run from the repository root), or two folders down
  beside an ``env.py``.
- Flask-Migrate: ``migrations/alembic.ini`` *inside* the script folder, with no ``script_location``:
  Flask-Migrate sets the folder itself (``Migrate(directory=...)``) and ``flask db`` runs from the folder
  above, which is the project folder. An ini beside an ``env.py`` that names no ``script_location`` is read
  that way wherever it is.
- No ``alembic.ini`` (Flask-Alembic, or Alembic configured in code): a folder holding ``env.py`` and a
  ``versions/`` folder, or a folder holding ``script.py.mako`` and revision files directly (Flask-Alembic
  keeps its revisions in the script folder itself). Only the root, its sub-folders and their
  ``migrations``/``alembic`` sub-folders are looked at.

Several candidates at the same depth are refused, each named: mgen does not guess between two projects.
An ini with several sections that each name a ``script_location`` (Alembic's ``--name``) is the same:
``section`` chooses, else ``[alembic]``, else the only one, else a refusal naming the sections.
"""
from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import MgenError
from .config import AlembicConfig, folder_config, read_config

_REVISION = re.compile(r"^revision\b[^=\n]*=.*^down_revision\b", re.MULTILINE | re.DOTALL)
_SKIPPED = {"node_modules", "venv", "env", "site-packages", "__pycache__", "build", "dist"}
SECTION_FLAG = "--ini-section"


@dataclass(frozen=True)
class Layout:
    """An Alembic project found at ``root``: the ini read (None: there is none), the script folder when the
    ini names none (Flask-Migrate) or there is no ini, and the revisions folder when there is no ini."""

    root: Path
    ini: Path | None
    script_location: Path | None
    versions: Path | None
    evidence: str

    @property
    def found_by(self) -> Path:
        """The file (or, with no ini, the folder) the project was found by."""
        return self.ini if self.ini is not None else self.script_location  # type: ignore[return-value]

    def config(self, section: str | None = None) -> AlembicConfig:
        """The configuration as Alembic (or Flask-Migrate / Flask-Alembic) would read it."""
        if self.ini is None:
            if section is not None:
                raise MgenError(f"{SECTION_FLAG} {section}: there is no alembic.ini to choose a section of",
                                str(self.script_location))
            return folder_config(self.script_location, self.versions)  # type: ignore[arg-type]
        return read_config(self.ini, choose_section(self.ini, section), default_script=self.script_location)

    def env_py(self, section: str | None = None) -> Path | None:
        """The ``env.py`` of the script folder (None: there is none, or the ini cannot be read)."""
        try:
            env = self.config(section).script_location / "env.py"
        except MgenError:
            return None
        return env if env.is_file() else None


def find_layout(root: Path) -> Layout | None:
    """The Alembic project at ``root`` (None: nothing there looks like one)."""
    root = Path(root)
    ini = root / "alembic.ini"
    if ini.is_file():
        return _ini_layout(root, ini, "alembic.ini")
    inis = [p for d in _subfolders(root) if (p := d / "alembic.ini").is_file()]
    if not inis:
        inis = [p for d in _subfolders(root) for sub in _subfolders(d)
                if (p := sub / "alembic.ini").is_file() and (sub / "env.py").is_file()]
    if len(inis) > 1:
        raise MgenError("several alembic.ini files (" + ", ".join(shown_relative(root, p) for p in inis) +
                        "): run mgen in the folder of the one you mean", str(root))
    if inis:
        return _ini_layout(root, inis[0], shown_relative(root, inis[0]))
    return _folder_layout(root)


def _ini_layout(root: Path, ini: Path, shown: str) -> Layout:
    folder = ini.parent
    beside_env = (folder / "env.py").is_file()
    if beside_env and not _names_script_location(ini):
        how = ("Flask-Migrate layout: " if folder != root else "") + \
            f"{shown} beside env.py, with no script_location: the script folder is {shown_relative(root, folder) or '.'}"
        return Layout(root, ini, folder, None, how)
    return Layout(root, ini, None, None, f"{shown} found")


def _folder_layout(root: Path) -> Layout | None:
    found: list[Layout] = []
    for folder in _script_candidates(root):
        if (folder / "env.py").is_file() and (folder / "versions").is_dir():
            found.append(Layout(root, None, folder, folder / "versions",
                                f"no alembic.ini; {shown_relative(root, folder / 'env.py')} and a versions folder beside it"))
        elif (folder / "script.py.mako").is_file() and _holds_revisions(folder):
            found.append(Layout(root, None, folder, folder,
                                f"no alembic.ini; {shown_relative(root, folder)} holds script.py.mako and revisions "
                                "(Flask-Alembic keeps them in the script folder)"))
    if len(found) > 1:
        raise MgenError("several Alembic script folders and no alembic.ini (" +
                        ", ".join(shown_relative(root, f.script_location) or "." for f in found) +  # type: ignore[arg-type]
                        "): run mgen in the project folder of the one you mean", str(root))
    return found[0] if found else None


def _script_candidates(root: Path) -> list[Path]:
    out = [root]
    for sub in _subfolders(root):
        out.append(sub)
        out += [sub / name for name in ("migrations", "alembic") if (sub / name).is_dir()]
    return out


def _subfolders(folder: Path) -> list[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    return [Path(e.path) for e in entries
            if e.is_dir() and not e.name.startswith((".", "_")) and e.name not in _SKIPPED
            and not os.path.exists(os.path.join(e.path, "pyvenv.cfg"))]


def _holds_revisions(folder: Path) -> bool:
    for path in folder.glob("*.py"):
        try:
            if _REVISION.search(path.read_text(encoding="utf-8", errors="replace")):
                return True
        except OSError:
            continue
    return False


def ini_parser(ini: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with ini.open(encoding="utf-8") as f:
            parser.read_file(f)
    except (configparser.Error, UnicodeDecodeError, OSError) as e:
        raise MgenError(f"cannot read the Alembic config: {str(e).strip().splitlines()[0]}", str(ini)) from None
    return parser


def script_sections(ini: Path) -> list[str]:
    """The sections of ``ini`` naming a ``script_location`` (Alembic's ``--name`` chooses one)."""
    parser = ini_parser(ini)
    return [s for s in parser.sections() if parser.has_option(s, "script_location")]


def _names_script_location(ini: Path) -> bool:
    try:
        return bool(script_sections(ini))
    except MgenError:
        return False


def choose_section(ini: Path, section: str | None) -> str:
    """``section`` when given; else ``[alembic]`` (Alembic's default); else the only section naming a
    ``script_location``; several: a refusal naming them."""
    parser = ini_parser(ini)
    if section is not None:
        if not parser.has_section(section):
            have = ", ".join(script_sections(ini)) or "none"
            raise MgenError(f"{SECTION_FLAG} {section}: no [{section}] section (sections with a script_location: "
                            f"{have})", str(ini))
        return section
    if parser.has_section("alembic"):
        return "alembic"
    sections = script_sections(ini)
    if len(sections) == 1:
        return sections[0]
    if sections:
        raise MgenError(f"no [alembic] section and several with a script_location ({', '.join(sections)}): "
                        f"choose one with {SECTION_FLAG} NAME (Alembic's --name)", str(ini))
    raise MgenError("no [alembic] section", str(ini))


def shown_relative(root: Path, path: Path) -> str:
    """``path`` as shown in messages: relative to ``root`` ("" for root itself), else as it is."""
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
    return "" if rel == "." else rel
