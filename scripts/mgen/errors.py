"""The one error type the CLI turns into a single line and exit code 2."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator


class MgenError(Exception):
    """Bad input or an unreachable resource: reported as one line ``file:line: message``."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def one_line(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return (where + self.message).replace("\n", " ")


TOO_DEEP = ("the input is nested too deeply to read (deeper than Python's recursion limit): split or flatten it")


@contextlib.contextmanager
def nested_in(file: str | None, line: int | None = None) -> Iterator[None]:
    """Input nested deeper than Python's recursion limit, met while ``file`` (at ``line``) is read, is bad
    input naming that file (issue #15 item 10); the CLI's own catch, without a file, is the last resort."""
    try:
        yield
    except RecursionError:
        raise MgenError(TOO_DEEP, file, line) from None
