"""The Django reading kept between runs (issue #4 item 2: "cache that state, keyed by the migration files'
content, so the replay is paid once"): .claude/cache/db/django-history.json (each migration file read,
and the state they replay to) and django-models.json (each app's models). Every answer must be the one a
run without the cache gives: a cache is invalidated by the content of every file it was built from, and a
corrupt or foreign cache is rebuilt, never trusted."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import django_store, rewrite_cache_entry

from mgen.frameworks.django.project import load_project
from mgen.frameworks.django.replay import models_state, replay_project
from mgen.frameworks.django.writer import generate

CACHE = Path(".claude") / "cache" / "db"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    django_store(root)
    assert generate(root, name=None).changed_apps  # the initial migrations; fills the caches
    return root


def states(root: Path, monkeypatch: pytest.MonkeyPatch, cached: bool):
    """(migrations' state, models' state) read with or without the project cache."""
    monkeypatch.setenv("MGEN_PROJECT_CACHE", "on" if cached else "off")
    project = load_project(root)
    return replay_project(project), models_state(project)


def same_as_uncached(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = states(root, monkeypatch, True)
    old_plain, new_plain = states(root, monkeypatch, False)
    assert old.differences(old_plain) == [] and new.differences(new_plain) == []
    assert [n.one_line() for n in old.notes] == [n.one_line() for n in old_plain.notes]


def test_caches_are_written_and_used(store: Path, monkeypatch):
    history = json.loads((store / CACHE / "django-history.json").read_text())
    models = json.loads((store / CACHE / "django-models.json").read_text())
    own = [p for p in history["files"] if not p.startswith("/")]
    assert history["format"] == 1 and len(own) == 3 and history["replayed"]["models"]
    assert sorted(models["apps"]) == ["accounts", "blog", "shop"]
    assert sorted(models["apps"]["shop"]["files"]) == ["config/settings.py", "shop/base.py", "shop/models.py"]
    # a cached answer really is what is read: change the cached state and see it come back
    history["replayed"]["models"] = [m for m in history["replayed"]["models"] if m["name"] != "Tag"]
    rewrite_cache_entry(store / CACHE / "django-history.json", history)
    old, _ = states(store, monkeypatch, True)
    assert ("shop", "tag") not in old.models
    old, _ = states(store, monkeypatch, False)
    assert ("shop", "tag") in old.models


def test_an_edited_module_that_models_import_invalidates_those_apps(store: Path, monkeypatch):
    base = store / "shop" / "base.py"
    base.write_text(base.read_text().replace("auto_now_add=True)\n", "auto_now_add=True)\n    touched = models.IntegerField(null=True)\n"))
    result = generate(store, name=None, dry_run=True)
    assert result.operations == {"shop": ["shop: AddField product.touched"]}
    same_as_uncached(store, monkeypatch)


def test_an_edited_or_added_migration_file_is_read_again(store: Path, monkeypatch):
    first = store / "shop" / "migrations" / "0001_initial.py"
    first.write_text(first.read_text().replace("max_length=30, unique=True", "max_length=31, unique=True"))
    same_as_uncached(store, monkeypatch)
    old, _ = states(store, monkeypatch, True)
    assert old.model("shop", "tag").fields["label"].get("max_length") == 31
    assert generate(store, name=None, dry_run=True).operations == {"shop": ["shop: AlterField tag.label"]}
    first.unlink()  # the app has no history now: its models are all new, as without the cache
    same_as_uncached(store, monkeypatch)
    old, _ = states(store, monkeypatch, True)
    assert not any(app == "shop" for app, _ in old.models)


def test_settings_change_invalidates(store: Path, monkeypatch):
    settings = store / "config" / "settings.py"
    text = settings.read_text()
    assert "DEFAULT_AUTO_FIELD" in text
    settings.write_text(text.replace("django.db.models.BigAutoField", "django.db.models.AutoField")
                        if "BigAutoField" in text else text.replace("django.db.models.AutoField", "django.db.models.BigAutoField"))
    same_as_uncached(store, monkeypatch)
    assert generate(store, name=None, dry_run=True).changed_apps  # every id changes type


@pytest.mark.parametrize("damage", ["garbage", "other-format", "empty"])
def test_a_corrupt_cache_is_rebuilt(store: Path, monkeypatch, damage: str):
    for name in ("django-history.json", "django-models.json"):
        path = store / CACHE / name
        if damage == "garbage":
            path.write_bytes(b"\x00{not json")
        elif damage == "other-format":
            path.write_text(json.dumps({**json.loads(path.read_text()), "format": 999}))
        else:
            path.write_text("")
    same_as_uncached(store, monkeypatch)
    assert not generate(store, name=None, dry_run=True).changed_apps
    assert json.loads((store / CACHE / "django-history.json").read_text())["format"] == 1


def test_no_cache_when_turned_off(tmp_path: Path, monkeypatch):
    root = tmp_path / "store"
    django_store(root)
    monkeypatch.setenv("MGEN_PROJECT_CACHE", "off")
    assert generate(root, name=None).changed_apps
    assert not (root / ".claude").exists()
    assert os.listdir(root / "shop" / "migrations")
