"""The database ``manage.py migrate`` will reach, asked of Django in the project's interpreter.

The production guard of ``mgen migrate run|rollback`` judges that database (``mgen.target``). Settings often
build ``DATABASES`` from the environment (``os.environ.get("DB_HOST", "localhost")``, a ``DATABASE_URL``):
read statically, the default branch would be judged while the run takes the environment's. So Django itself
answers, in a subprocess with the same environment and folder the migrate command gets: the settings module
``manage.py`` names is imported (as ``migrate`` will import it) and ``DATABASES["default"]`` printed without
its password. Anything that fails gives None: the guard then cannot tell, and asks for ``--yes``.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import quote, urlencode

from ...errors import MgenError
from .project import engine_dialect, settings_from_manage_py

_SCRIPT = """
import json, os, sys
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", sys.argv[1])
from django.conf import settings
default = settings.DATABASES.get("default") or {}
options = default.get("OPTIONS") or {}
print(json.dumps({key: str(default.get(key) or "") for key in ("ENGINE", "HOST", "PORT", "NAME", "USER")}
                 | {"service": str(options.get("service") or ""), "unix_socket": str(options.get("unix_socket") or "")}))
"""


def database_url(root: Path, python: str) -> str | None:
    """The URL (no password) of the project's default database as its settings give it now, else None."""
    try:
        module = settings_from_manage_py(root)
        done = subprocess.run([python, "-c", _SCRIPT, module], cwd=root, capture_output=True, text=True,
                              timeout=120, check=False)
        found = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
    except (MgenError, OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    if not isinstance(found, dict):
        return None
    return _url(found)


def _url(found: dict[str, str]) -> str | None:
    scheme = engine_dialect(found.get("ENGINE", ""))
    name = found.get("NAME", "")
    if scheme is None:
        return None
    if scheme == "sqlite":
        return f"sqlite:///{name}"
    host, port, user = found.get("HOST", ""), found.get("PORT", ""), found.get("USER", "")
    query = {k: v for k, v in (("service", found.get("service", "")), ("unix_socket", found.get("unix_socket", "")))
             if v}
    if host.startswith("/"):  # a socket folder (libpq) is a query parameter in a URL
        query["host"], host = host, ""
    elif scheme == "mysql" and not host:
        host = "localhost"  # the MySQL client's default: this machine (its socket)
    netloc = (f"{quote(user, safe='')}@" if user else "") + host + (f":{port}" if port and host else "")
    return f"{scheme}://{netloc}/{quote(name, safe='')}" + (f"?{urlencode(query)}" if query else "")
