"""Which engine answers ``generate`` / ``plan``: ``--engine static|native|auto`` (default ``auto``).

- ``static``: mgen's own readers (``Framework.generate``); the project's code is never run, so it suits an
  untrusted checkout or a CI job without the project's services.
- ``native``: the framework's own tool (``Framework.native_generate``), run through the project's
  interpreter in a subprocess (``frameworks.native``), never in mgen's process.
- ``auto``: static; where it refuses (an ``MgenError`` reading the models or the history), the native engine
  answers instead when the framework has one and the project's interpreter can import the framework and the
  project. When native cannot answer either, the static refusal stands, with one line saying why native did
  not (``EngineRefusal``).

Every report says which engine answered (``GenerateReport.engine`` / ``engine_line``); a framework without a
native engine always answers with the static one, and the command prints no engine line for it.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import MgenError
from .native import NativeError

if TYPE_CHECKING:
    from .base import Framework
    from .records import GenerateReport, Options

ENGINES = ("auto", "static", "native")


class EngineRefusal(MgenError):
    """The static engine's refusal (its file, line and message unchanged) with the line that says what the
    engines did (``engine_line``): printed as two lines, exit 2."""

    def __init__(self, refusal: MgenError, engine_line: str):
        super().__init__(refusal.message, refusal.file, refusal.line)
        self.engine_line = engine_line


def generate(framework: Framework, options: Options) -> GenerateReport:
    """The report of the engine ``options.engine`` picks (see the module's docstring). A run that writes holds
    the project folder's lock (``folderlock``) from before it reads the history until its files are in
    place: two ``generate`` at once in one project never take the same number or the same parent."""
    if options.dry_run or options.project is None:
        return _generate(framework, options)
    from ..folderlock import locked_folder

    with locked_folder(Path(options.project)):
        return _generate(framework, options)


def _generate(framework: Framework, options: Options) -> GenerateReport:
    engine = options.engine or "auto"
    if engine not in ENGINES:
        raise MgenError(f"--engine {engine!r}: expected one of {', '.join(ENGINES)}")
    has_native = framework.supports("native")
    if engine == "native":
        if not has_native:
            raise framework.unsupported("--engine native")
        framework.check_options(options)
        try:
            return framework.native_generate(options)
        except NativeError as e:
            raise MgenError(f"engine: native {e.stage}: {e.message}", e.file, e.line) from None
    if not has_native:
        return framework.generate(options)
    framework.check_options(options)  # a flag that does not apply is not a refusal: no engine answers it
    try:
        return framework.generate(options)
    except MgenError as refusal:
        if engine == "static":
            raise EngineRefusal(refusal, "engine: static (no project code was run)") from None
        try:
            report = framework.native_generate(options)
        except NativeError as e:
            raise EngineRefusal(refusal, f"engine: static refused; native {e.stage}: {e.one_line()}") from None
        except MgenError as e:
            raise EngineRefusal(refusal, f"engine: static refused; native does not apply: {e.one_line()}") from None
        report.engine_line = f"{report.engine_line}, because static refused: {refusal.one_line()}"
        return report
