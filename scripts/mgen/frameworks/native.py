"""The native engine's shared part: the project's interpreter, and a program run through it in a subprocess.

The native engine asks a framework's own tool (Django's ``makemigrations``, Alembic's autogenerate) for the
migration. That means running the project's code, so it is never done in mgen's own process: a small driver
program is run with the project's interpreter (``--python``, else ``project_interpreter``), in the project
folder, and answers one JSON object in a file whose path it is given as its first argument. Whatever it
prints is kept only to say why it failed.

``NativeError`` says why the native engine gave no answer, with the stage it stopped at: ``"could not run"``
(no interpreter, the framework or the project's settings not importable) or ``"failed"`` (the tool ran and
refused). Both are one line (``MgenError``), never a traceback.
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import MgenError

TIMEOUT = float(os.environ.get("MGEN_NATIVE_TIMEOUT", "300"))  # seconds one run of the framework's tool may take
COULD_NOT_RUN, FAILED = "could not run", "failed"


class NativeError(MgenError):
    """Why the native engine gave no answer (``stage``: ``COULD_NOT_RUN`` or ``FAILED``)."""

    def __init__(self, message: str, stage: str = COULD_NOT_RUN):
        super().__init__(message)
        self.stage = stage


def interpreter(root: Path, explicit: str | None) -> Path:
    """The interpreter that runs the project's code: ``--python PATH``, else the project's own (its virtualenv,
    poetry, pipenv, ...). NativeError when there is none."""
    if explicit:
        path = Path(explicit)
        if not path.is_file() or not os.access(path, os.X_OK):
            raise NativeError(f"--python {explicit}: not an executable file")
        return path
    from .interpreter import project_interpreter

    found = project_interpreter(root)
    if found is None:
        raise NativeError("no interpreter found for the project (no virtualenv found; give --python PATH)")
    return Path(found)


_PRELUDE = Path(__file__).with_name("native_prelude.py")  # emit() and first_line(), put before every driver


def run_driver(python: Path, driver: str, args: Sequence[str], cwd: Path, what: str,
               env: dict[str, str] | None = None, timeout: float = TIMEOUT) -> dict[str, Any]:
    """Run the program ``driver`` (Python source, after ``native_prelude.py``) with ``python -c`` in ``cwd`` and
    return the JSON object it wrote to the file named by its first argument. ``what`` names the tool in messages. A driver that wrote
    ``{"error": ..., "stage": ...}`` gives a NativeError with that message; one that wrote nothing, the last
    line it printed on stderr. ``env``: variables added to mgen's environment for the driver."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8", **(env or {}))
    env.pop("PYTHONSTARTUP", None)
    with tempfile.TemporaryDirectory(prefix="mgen-native-") as scratch:
        answer = Path(scratch) / "answer.json"
        try:
            done = subprocess.run([str(python), "-c", _PRELUDE.read_text(encoding="utf-8") + driver, str(answer),
                                   *args], cwd=cwd, env=env, check=False,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
                                  errors="replace")
        except subprocess.TimeoutExpired:
            raise NativeError(f"{what} did not finish in {timeout:g} s", FAILED) from None
        except OSError as e:
            raise NativeError(f"{python} cannot be run: {e.strerror}") from None
        try:
            data = json.loads(answer.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
    if not isinstance(data, dict):
        raise NativeError(f"{what} with {python} ended without an answer (exit {done.returncode}): "
                          f"{last_line(done.stderr) or last_line(done.stdout) or 'no output'}", FAILED)
    if data.get("error"):
        raise NativeError(str(data["error"]), data.get("stage") or FAILED)
    if data.get("exit"):
        raise NativeError(f"{what} exited with {data['exit']}: "
                          f"{last_line(done.stderr) or last_line(done.stdout) or 'no output'}", FAILED)
    return data


def last_line(text: str | None) -> str:
    """The last non-blank line of ``text`` (a tool's error is its last line), stripped."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""
