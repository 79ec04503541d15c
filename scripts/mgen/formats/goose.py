"""goose: one file ``{version}_{name}.sql`` with ``-- +goose Up`` and ``-- +goose Down`` sections.

Statements with a ``;`` inside (``DO $$ ... $$``, function bodies, MySQL trigger bodies) are wrapped
in ``-- +goose StatementBegin`` / ``StatementEnd``, since goose otherwise ends a statement at any line
ending in ``;``. A migration with ``CREATE INDEX CONCURRENTLY`` gets ``-- +goose NO TRANSACTION``
because PostgreSQL refuses it inside a transaction.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import MgenError
from . import Migration, MigrationFormat, read_text, render_template
from .numbering import TIMESTAMP

FILE_RE = re.compile(r"(\d+)_(.*)\.(sql|go)")
_NOT_OURS_RE = re.compile(r".*\.(up|down)\.sql")  # golang-migrate's files
ANNOTATION_RE = re.compile(r"\s*--\s*\+goose\s+(.*?)\s*")
CONCURRENTLY_RE = re.compile(r"\bCONCURRENTLY\b", re.IGNORECASE)


class Goose(MigrationFormat):
    name = "goose"
    default_scheme = TIMESTAMP  # `goose create` numbers by timestamp unless given -s
    default_width = 5  # `goose create -s` writes 00001

    def owns(self, entry: Path) -> bool:
        return (entry.is_file() and FILE_RE.fullmatch(entry.name) is not None
                and _NOT_OURS_RE.fullmatch(entry.name) is None)

    def read(self, entries: Sequence[Path]) -> list[Migration]:
        migrations = []
        for path in entries:
            version, name, ext = FILE_RE.fullmatch(path.name).groups()  # type: ignore[union-attr]
            if ext == "go":
                raise MgenError("goose Go migrations cannot be read by mgen; only .sql migrations", str(path))
            up_sql, down_sql = split_sections(read_text(path), str(path))
            migrations.append(Migration(version=version, name=name, paths=(path,), up_sql=up_sql, down_sql=down_sql))
        return migrations

    def render(self, version, name, up, down, header, transactional=True):
        text = render_template(
            "goose.sql.j2",
            header=header,
            no_transaction=not transactional or any(CONCURRENTLY_RE.search(s) for s in [*up, *down]),
            up=[(s, needs_statement_block(s)) for s in up],
            down=[(s, needs_statement_block(s)) for s in down],
        )
        return {f"{version}_{name}.sql": text}


def needs_statement_block(statement: str) -> bool:
    return ";" in statement


def split_sections(text: str, filename: str) -> tuple[str, str]:
    """The up and the down SQL of a goose file. Each has as many lines as the file, the lines outside
    its section blank, so line numbers in errors are the file's."""
    lines = text.splitlines()
    up = [""] * len(lines)
    down = [""] * len(lines)
    section = None  # None before "-- +goose Up", then "up" or "down"
    block_start = None  # line of an open StatementBegin
    seen_up = False
    for number, line in enumerate(lines, start=1):
        annotation = ANNOTATION_RE.fullmatch(line)
        command = annotation.group(1).lower() if annotation else None
        if command == "up":
            if seen_up:
                raise MgenError("second '-- +goose Up' annotation", filename, number)
            section, seen_up = "up", True
            continue
        if command == "down":
            if not seen_up:
                raise MgenError("'-- +goose Down' before '-- +goose Up'", filename, number)
            if block_start is not None:
                raise MgenError("'-- +goose StatementBegin' is not closed", filename, block_start)
            section = "down"
            continue
        if command == "statementbegin":
            if block_start is not None:
                raise MgenError("'-- +goose StatementBegin' inside another one", filename, number)
            block_start = number
        elif command == "statementend":
            if block_start is None:
                raise MgenError("'-- +goose StatementEnd' without StatementBegin", filename, number)
            block_start = None
        if section is None:
            if line.strip() and not line.lstrip().startswith("--"):
                raise MgenError("SQL before the '-- +goose Up' annotation", filename, number)
            continue
        (up if section == "up" else down)[number - 1] = line
    if not seen_up:
        raise MgenError("no '-- +goose Up' annotation", filename, 1)
    if block_start is not None:
        raise MgenError("'-- +goose StatementBegin' is not closed", filename, block_start)
    return _joined(up), _joined(down)


def _joined(lines: list[str]) -> str:
    return "\n".join(lines) + "\n" if lines else ""


FORMAT = Goose()
