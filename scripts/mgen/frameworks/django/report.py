"""What ``generate`` answers in a Django project: the writer's result as it is printed."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..records import GenerateReport


@dataclass
class DjangoReport(GenerateReport):
    """``writer.GenerateResult`` as ``generate`` prints it: per operation its safety class, the findings, the
    notes, then the files written (or, on a dry run, their text)."""

    result: Any

    def to_json(self) -> dict[str, Any]:
        result, files = self.result, self.result.files
        return {
            "framework": "django",
            "dialect": result.dialect,
            "operations": result.operations,
            "safety": [{"operation": text, "safety": klass} for klass, text in result.safety],
            "findings": [f.to_dict() for f in result.findings],
            "previous": {path: {"app": app, "migration": prev} for path, (app, prev) in result.previous.items()},
            "notes": result.notes,
            "renames": result.renames,  # makemigrations' rename questions, as the --rename hints answering yes
            "files": [str(p) for p in files] if isinstance(files, list) else [],
            "migrations": {str(p): text for p, text in files.items()} if isinstance(files, dict) else {},
            "states": {"current": "migration replay", "desired": "static models"},
        }

    def lines(self) -> list[str]:
        from ...output import finding_lines, shown_path

        result, files = self.result, self.result.files
        if not result:
            return ["no changes: nothing written", *(f"note: {note}" for note in result.notes)]
        if result.dialect and result.safety:  # the operations on the database, each with its safety class
            out = [f"{klass:<12} {text}" for klass, text in result.safety]
        else:
            out = [line for lines in result.operations.values() for line in lines]
        out += finding_lines(result.findings)
        out += [f"note: {note}" for note in result.notes]
        if isinstance(files, dict):
            out.append("dry run: nothing written")
            for path, text in files.items():
                out += [f"--- {path}", text]
        else:
            out += ["wrote:", *(f"  {shown_path(p)}" for p in files)]
        return out
