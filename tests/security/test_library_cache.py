"""The user cache of library syntax trees runs no code and is not read from a folder others may write
(issue #15 item 3). A planted pickle that would run a command (shown running under plain ``pickle.loads``)
is refused and the file is parsed again; a cache folder that is group/world-writable is neither read nor
written."""
from __future__ import annotations

import ast
import os
import pickle
from pathlib import Path

import pytest

from mgen.frameworks import libcache


class _Planted:
    def __init__(self, mark: Path) -> None:
        self.mark = mark

    def __reduce__(self):
        return (os.system, (f"touch {self.mark}",))


@pytest.fixture
def library(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    cache = tmp_path / "cache"
    monkeypatch.setenv("MGEN_CACHE_DIR", str(cache))
    source = tmp_path / "lib" / "fields.py"
    source.parent.mkdir()
    source.write_text("class CharField:\n    def __init__(self):\n        self.x = 1\n")
    return source, cache


def _entry(cache: Path) -> Path:
    (entry,) = libcache.cache_dir().glob("*.pickle")
    return entry


def test_a_planted_pickle_runs_nothing(library: tuple[Path, Path], tmp_path: Path) -> None:
    source, cache = library
    libcache.parse_library_file(source)  # writes the entry
    entry = _entry(cache)
    mark = tmp_path / "ran"
    entry.write_bytes(pickle.dumps(_Planted(mark)))
    pickle.loads(entry.read_bytes())  # the plant works on plain pickle: the fixture is hostile
    assert mark.exists()
    mark.unlink()
    tree = libcache.parse_library_file(source)
    assert not mark.exists()
    assert [n.name for n in tree.body] == ["CharField"]
    assert ast.unparse(tree.body[0].body[0].body[0]) == "..."  # pruned, parsed again


def test_a_valid_entry_is_read_from_a_private_folder(library: tuple[Path, Path]) -> None:
    source, cache = library
    libcache.parse_library_file(source)
    entry = _entry(cache)
    entry.write_bytes(pickle.dumps(ast.parse("Cached = 1")))  # stands in for what an earlier run wrote
    assert [ast.unparse(n) for n in libcache.parse_library_file(source).body] == ["Cached = 1"]


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o757])
def test_a_folder_others_may_write_is_not_used(library: tuple[Path, Path], mode: int) -> None:
    source, cache = library
    libcache.parse_library_file(source)
    entry = _entry(cache)
    entry.write_bytes(pickle.dumps(ast.parse("Forged = 1")))
    folder = libcache.cache_dir()
    folder.chmod(mode)
    try:
        assert [n.name for n in libcache.parse_library_file(source).body] == ["CharField"]
        assert entry.read_bytes() == pickle.dumps(ast.parse("Forged = 1"))  # not written either
    finally:
        folder.chmod(0o700)


def test_a_link_is_not_a_cache_folder(library: tuple[Path, Path], tmp_path: Path) -> None:
    source, cache = library
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache.mkdir()
    libcache.cache_dir().symlink_to(elsewhere)
    libcache.parse_library_file(source)
    assert list(elsewhere.iterdir()) == []
