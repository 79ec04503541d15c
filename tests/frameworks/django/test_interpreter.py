"""``frameworks/interpreter.py``: the project's interpreter, found as its tools would find it (nothing run)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mgen.frameworks.interpreter import pipenv_env_name, poetry_env_name, project_interpreter, site_packages


def make_env(folder: Path, version: str = "3.11", with_cfg: bool = True) -> Path:
    """A virtual environment's shape: pyvenv.cfg, bin/python (an empty file) and site-packages."""
    (folder / "bin").mkdir(parents=True)
    (folder / "bin" / "python").write_text("")
    (folder / "lib" / f"python{version}" / "site-packages").mkdir(parents=True)
    if with_cfg:
        (folder / "pyvenv.cfg").write_text("home = /usr/bin\n")
    return folder / "bin" / "python"


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No activated environment, no tool configuration, a home of our own."""
    for name in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "POETRY_VIRTUALENVS_PATH", "POETRY_CACHE_DIR",
                 "WORKON_HOME", "PYENV_VERSION", "PYENV_ROOT", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    project = tmp_path / "repo" / "backend"
    project.mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    return project


def test_nothing_found_is_none(clean_env):
    assert project_interpreter(clean_env) is None


def test_virtual_env_in_the_project_or_above_up_to_the_repository(clean_env, tmp_path):
    above = make_env(tmp_path / "repo" / ".venv")
    assert project_interpreter(clean_env) == above
    here = make_env(clean_env / "venv")
    assert project_interpreter(clean_env) == here  # the nearest folder first
    make_env(tmp_path / "outside-the-repo-env", with_cfg=True)
    (tmp_path / ".venv").symlink_to(tmp_path / "outside-the-repo-env")
    (clean_env / "venv" / "pyvenv.cfg").unlink()
    assert project_interpreter(clean_env) == above  # not above the repository root


def test_activated_environment_comes_first(clean_env, tmp_path, monkeypatch):
    make_env(clean_env / ".venv")
    active = make_env(tmp_path / "elsewhere")
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "elsewhere"))
    assert project_interpreter(clean_env) == active
    # mgen's own environment activated: the project's own environment is the project's
    monkeypatch.setenv("VIRTUAL_ENV", sys.prefix)
    assert project_interpreter(clean_env) == clean_env / ".venv" / "bin" / "python"


def test_poetry_environment_in_its_cache(clean_env, tmp_path, monkeypatch):
    (clean_env / "pyproject.toml").write_text('[tool.poetry]\nname = "My App"\n')
    cache = tmp_path / "home" / ".cache" / "pypoetry" / "virtualenvs"
    name = poetry_env_name("My App", clean_env)
    assert name.startswith("my_app-") and len(name) == len("my_app-") + 8
    make_env(cache / f"{name}-py3.10", "3.10")
    newest = make_env(cache / f"{name}-py3.12", "3.12")
    make_env(cache / "other-AAAAAAAA-py3.13", "3.13")
    assert project_interpreter(clean_env) == newest
    monkeypatch.setenv("POETRY_VIRTUALENVS_PATH", str(tmp_path / "nowhere"))
    assert project_interpreter(clean_env) is None


def test_pipenv_environment_by_hash_or_by_its_project_file(clean_env, tmp_path, monkeypatch):
    (clean_env / "Pipfile").write_text("[packages]\ndjango = '*'\n")
    envs = tmp_path / "home" / ".local" / "share" / "virtualenvs"
    by_hash = make_env(envs / pipenv_env_name(clean_env))
    assert project_interpreter(clean_env) == by_hash
    monkeypatch.setenv("WORKON_HOME", str(tmp_path / "workon"))
    other = make_env(tmp_path / "workon" / "backend-zzzzzzzz")
    (tmp_path / "workon" / "backend-zzzzzzzz" / ".project").write_text(str(clean_env))
    assert project_interpreter(clean_env) == other


def test_pyenv_version_file(clean_env, tmp_path, monkeypatch):
    (clean_env.parent / ".python-version").write_text("# pinned\nmyenv-3.11\n")
    expected = make_env(tmp_path / "home" / ".pyenv" / "versions" / "myenv-3.11")
    assert project_interpreter(clean_env) == expected
    monkeypatch.setenv("PYENV_VERSION", "system")
    assert project_interpreter(clean_env) is None


def test_site_packages_of_an_interpreter(tmp_path):
    python = make_env(tmp_path / "env", "3.12")
    assert site_packages(python) == [(tmp_path / "env" / "lib" / "python3.12" / "site-packages").resolve()]
