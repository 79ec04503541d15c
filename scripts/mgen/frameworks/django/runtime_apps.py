"""Apps the settings may install at run time, which mgen does not read (issue #12: never a silent "no changes").

``INSTALLED_APPS = [...] + discover_plugins(PLUGINS_DIRECTORY)`` (Misago) installs apps found when the
settings run. mgen reads the list it can evaluate and notes the part it cannot; but a migration for one of
those apps is then invisible, and "no changes" would be a wrong answer. So when INSTALLED_APPS has a part
computed at run time, every app-shaped folder of the project that no installed app covers (a package with a
``migrations`` package and a models module, outside virtual environments and installed libraries) is an app
mgen may be missing: it is refused (``ProjectState.refused``-style, by its folder's label), so the whole
project's answer refuses naming it and the flag that generates the apps read alone (``--app``), and
``--app LABEL`` for it refuses with the reason.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import MgenError

if TYPE_CHECKING:
    from .project import DjangoProject

_SKIP = {"node_modules", "site-packages", "dist-packages", ".venv", "venv", "env", ".tox", ".nox", ".git",
         "__pycache__", "build", "dist"}


def unread_apps(project: DjangoProject, file: str, line: int | None, source: str) -> dict[str, MgenError]:
    """Label -> refusal for each app-shaped folder of the project that no installed app covers (``source``:
    the part of INSTALLED_APPS computed at run time, at ``file:line``)."""
    covered = [app.path.resolve() for app in project.apps if app.path is not None]
    found: dict[str, MgenError] = {}
    for init in sorted(project.root.rglob("migrations/__init__.py")):
        folder = init.parent.parent
        parts = set(folder.relative_to(project.root).parts)
        if parts & _SKIP or any(p.startswith(".") for p in parts):
            continue
        if not ((folder / "models.py").is_file() or (folder / "models" / "__init__.py").is_file()):
            continue
        resolved = folder.resolve()
        if any(resolved == c or c in resolved.parents for c in covered):
            continue
        label = folder.name
        if label in found or any(a.label == label for a in project.apps):
            continue
        rel = folder.relative_to(project.root)
        found[label] = MgenError(f"the app folder {rel} may be installed at run time (INSTALLED_APPS also holds "
                                 f"{source}): mgen does not read it, so its changes cannot be seen", file, line)
    return found
