"""A project's cache folder is not trusted (issue #15 item 3): a checkout can ship any file under
``.claude/cache/db``. Entries are signed with a key in the user's own cache; a forged or edited entry is
missing (rebuilt); only regular files of a bounded size are read or hashed, so an entry that depends on a
FIFO or a device is stale, never read."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mgen import projectcache, usercache

ORM = "orm-type.json"


@pytest.fixture
def root(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("MGEN_CACHE_DIR", str(tmp_path / "user-cache"))
    monkeypatch.delenv("MGEN_PROJECT_CACHE", raising=False)
    project = tmp_path / "project"
    project.mkdir()
    (project / "schema.sql").write_text("CREATE TABLE t (id int);\n")
    return project


def test_an_entry_mgen_wrote_is_read_back(root: Path) -> None:
    projectcache.store(root, ORM, {"framework": "sqlfolder"}, [root / "schema.sql"])
    assert projectcache.load_fresh(root, ORM)["framework"] == "sqlfolder"
    assert "mac" not in projectcache.load_fresh(root, ORM)


@pytest.mark.parametrize("forge", ["no mac", "edited", "another user's key"])
def test_a_forged_entry_is_missing(root: Path, forge: str, tmp_path: Path, monkeypatch) -> None:
    projectcache.store(root, ORM, {"framework": "sqlfolder"}, [root / "schema.sql"])
    path = root / projectcache.FOLDER / ORM
    text = path.read_text()
    if forge == "no mac":
        data = json.loads(text)
        del data["mac"]
        data["framework"] = "django"
        path.write_text(json.dumps(data))
        assert json.loads(path.read_text())["depends_on"]  # the content hashes are right: only the mac is missing
    elif forge == "edited":
        path.write_text(text.replace('"sqlfolder"', '"django"'))
    else:
        monkeypatch.setenv("MGEN_CACHE_DIR", str(tmp_path / "someone-else"))
        projectcache.store(root, ORM, {"framework": "django"}, [root / "schema.sql"])
        monkeypatch.setenv("MGEN_CACHE_DIR", str(tmp_path / "user-cache"))
    assert projectcache.load(root, ORM) is None
    assert projectcache.describe(root)[0]["state"] == "invalid"


def test_without_a_user_cache_the_project_cache_is_off(root: Path, monkeypatch) -> None:
    monkeypatch.setenv("MGEN_CACHE_DIR", "off")
    projectcache.store(root, ORM, {"framework": "sqlfolder"}, [root / "schema.sql"])
    assert not (root / projectcache.FOLDER / ORM).exists()


def test_a_user_cache_others_may_write_gives_no_key(root: Path, tmp_path: Path, monkeypatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("MGEN_CACHE_DIR", str(shared))
    assert usercache.signing_key() is None
    projectcache.store(root, ORM, {"framework": "sqlfolder"}, [root / "schema.sql"])
    assert not (root / projectcache.FOLDER / ORM).exists()


def test_the_key_is_the_users_alone(root: Path) -> None:
    key = usercache.signing_key()
    path = usercache.base() / usercache.KEY_FILE
    assert key is not None and len(key) == 32 and path.read_bytes() == key
    assert path.stat().st_mode & 0o777 == 0o600


CHECK = """
import sys
from pathlib import Path
from mgen import projectcache
root = Path(sys.argv[1])
print(projectcache.load_fresh(root, "orm-type.json"), projectcache.file_fingerprint(root / "schema.sql"))
"""


@pytest.mark.parametrize("special", ["fifo", "device"])
def test_a_dependency_that_is_not_a_regular_file_is_never_read(root: Path, special: str, tmp_path: Path) -> None:
    projectcache.store(root, ORM, {"framework": "sqlfolder"}, [root / "schema.sql"])
    (root / "schema.sql").unlink()
    if special == "fifo":
        os.mkfifo(root / "schema.sql")  # reading it would block for ever
    else:
        (root / "schema.sql").symlink_to("/dev/zero")  # reading it would never end
    env = {**os.environ, "MGEN_CACHE_DIR": str(tmp_path / "user-cache")}
    done = subprocess.run([sys.executable, "-c", CHECK, str(root)], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.stdout.split() == ["None", "None"], done.stderr
