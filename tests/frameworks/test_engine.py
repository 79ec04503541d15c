"""``--engine static|native|auto`` (``frameworks.engine``) and the native engine's subprocess
(``frameworks.native``), on stand-in frameworks: which engine answers, what a refusal says."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mgen.errors import MgenError
from mgen.frameworks import native
from mgen.frameworks.base import Framework
from mgen.frameworks.engine import EngineRefusal, generate
from mgen.frameworks.records import GenerateReport, Options


class Report(GenerateReport):
    def __init__(self, who: str):
        self.who = who


class Both(Framework):
    """Static refuses when told to; native answers, or says why it cannot."""

    name = "both"
    capabilities = frozenset({"generate", "native"})

    def __init__(self, static_refuses: bool = False, native_error: MgenError | None = None):
        self.static_refuses, self.native_error, self.calls = static_refuses, native_error, []

    def generate(self, options: Options) -> GenerateReport:
        self.calls.append("static")
        if self.static_refuses:
            raise MgenError("Book.title: computed at run time", "models.py", 14)
        return Report("static")

    def native_generate(self, options: Options) -> GenerateReport:
        self.calls.append("native")
        if self.native_error is not None:
            raise self.native_error
        report = Report("native")
        report.engine, report.engine_line = "native", "native (Tool via /py)"
        return report


class StaticOnly(Both):
    name = "static-only"
    capabilities = frozenset({"generate"})


def options(engine: str) -> Options:
    return Options(project=Path("."), engine=engine)


def test_auto_is_static_when_static_answers():
    fw = Both()
    report = generate(fw, options("auto"))
    assert (report.who, report.engine, report.engine_line, fw.calls) == ("static", "static", "static", ["static"])


def test_auto_falls_back_to_native_and_says_why():
    fw = Both(static_refuses=True)
    report = generate(fw, options("auto"))
    assert report.who == "native" and fw.calls == ["static", "native"]
    assert report.engine_line == "native (Tool via /py), because static refused: models.py:14: Book.title: computed at run time"


def test_static_never_asks_native():
    fw = Both(static_refuses=True)
    with pytest.raises(EngineRefusal) as refused:
        generate(fw, options("static"))
    assert fw.calls == ["static"]
    assert refused.value.one_line() == "models.py:14: Book.title: computed at run time"
    assert refused.value.engine_line == "engine: static (no project code was run)"


def test_native_never_asks_static():
    fw = Both(static_refuses=True)
    assert generate(fw, options("native")).who == "native" and fw.calls == ["native"]
    fw = Both(native_error=native.NativeError("settings import failed: ImportError: x"))
    with pytest.raises(MgenError) as failed:
        generate(fw, options("native"))
    assert not isinstance(failed.value, EngineRefusal)
    assert failed.value.one_line() == "engine: native could not run: settings import failed: ImportError: x"


@pytest.mark.parametrize(("error", "line"), [
    (native.NativeError("no interpreter found"), "engine: static refused; native could not run: no interpreter found"),
    (native.NativeError("Tool exited with 3: x", native.FAILED), "engine: static refused; native failed: Tool exited with 3: x"),
    (MgenError("--format is static's"), "engine: static refused; native does not apply: --format is static's"),
])
def test_auto_keeps_the_static_refusal_when_native_cannot_answer(error: MgenError, line: str):
    with pytest.raises(EngineRefusal) as refused:
        generate(Both(static_refuses=True, native_error=error), options("auto"))
    assert refused.value.file == "models.py" and refused.value.line == 14 and refused.value.engine_line == line


def test_a_framework_without_native():
    fw = StaticOnly(static_refuses=True)
    with pytest.raises(MgenError) as refused:  # the refusal as it always was: no engine line
        generate(fw, options("auto"))
    assert not isinstance(refused.value, EngineRefusal) and fw.calls == ["static"]
    with pytest.raises(MgenError, match="--engine native is not supported for static-only projects"):
        generate(fw, options("native"))


def test_the_interpreter(tmp_path: Path, monkeypatch):
    with pytest.raises(native.NativeError, match="not an executable file"):
        native.interpreter(tmp_path, str(tmp_path / "nope"))
    assert native.interpreter(tmp_path, sys.executable) == Path(sys.executable)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.delenv("PYENV_VERSION", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no poetry or pipenv environments of this machine's user
    (tmp_path / ".git").mkdir()  # the search for a virtualenv stops at the repository
    with pytest.raises(native.NativeError, match="no interpreter found"):
        native.interpreter(tmp_path, None)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")  # what makes a folder a virtualenv
    assert native.interpreter(tmp_path, None) == tmp_path / ".venv" / "bin" / "python"


def test_the_driver_answers_in_its_file(tmp_path: Path):
    py = Path(sys.executable)
    ok = "import json, sys\njson.dump({'args': sys.argv[2:]}, open(sys.argv[1], 'w'))\nprint('noise')"
    assert native.run_driver(py, ok, ["a", "b"], tmp_path, "Tool") == {"args": ["a", "b"]}
    said = "import json, sys\njson.dump({'error': 'Tool not importable', 'stage': 'could not run'}, open(sys.argv[1], 'w'))"
    with pytest.raises(native.NativeError, match="^Tool not importable$") as e:
        native.run_driver(py, said, [], tmp_path, "Tool")
    assert e.value.stage == native.COULD_NOT_RUN
    crash = "import sys\nprint('first', file=sys.stderr)\nraise SystemExit('the last line')"
    with pytest.raises(native.NativeError, match=r"ended without an answer \(exit 1\): the last line") as e:
        native.run_driver(py, crash, [], tmp_path, "Tool")
    assert e.value.stage == native.FAILED
    with pytest.raises(native.NativeError, match="did not finish in 0.5 s"):
        native.run_driver(py, "import time\ntime.sleep(5)", [], tmp_path, "Tool", timeout=0.5)
