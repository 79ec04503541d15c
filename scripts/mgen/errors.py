"""The one error type the CLI turns into a single line and exit code 2."""
from __future__ import annotations


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
