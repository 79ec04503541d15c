#!/usr/bin/env bash
# The Django example end to end, in a throwaway git repository (SQLite, no server needed):
#   1. the library at version 1 is committed; `mgen generate` writes 0001_initial; Django migrates;
#   2. the models are edited (models_v2.py); `mgen generate` writes only the change as 0002;
#   3. `makemigrations --check` confirms Django sees nothing left to do; Django applies the migration,
#      reverses it (migrate library 0001) and applies it again; a second `mgen generate` writes nothing.
# Usage: bash examples/django_library/demo.sh [WORK_DIR]   (default: a new temp folder)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
[ -x "$repo/.venv/bin/python" ] || python3 -m venv "$repo/.venv"
# install only what is missing (two demos run at once in the test suite; pip must not rewrite the venv under the other)
"$repo/.venv/bin/python" -c "import mgen, django, alembic" 2>/dev/null && [ -x "$repo/.venv/bin/mgen" ] ||
  flock "$repo/.venv/.mgen-install.lock" "$repo/.venv/bin/pip" install -q --disable-pip-version-check -e "$repo[test]" >/dev/null
mgen="$repo/.venv/bin/mgen"
python="$repo/.venv/bin/python"
work="${1:-$(mktemp -d)}/library"
rm -rf "$work"
mkdir -p "$(dirname "$work")"
cp -r "$here/project" "$work"
cd "$work"
git init -q && git add -A && git -c user.email=demo@example.com -c user.name=demo commit -qm "library v1"

step() { echo; echo "\$ $*"; "$@"; }
step "$mgen" generate .
step "$python" manage.py migrate -v 0
git add -A && git -c user.email=demo@example.com -c user.name=demo commit -qm "initial migration"

cp "$here/models_v2.py" library/models.py
step git diff --stat
step "$mgen" generate .
step cat "$(ls library/migrations/0002_*.py)"
step "$python" manage.py makemigrations --check --dry-run
step "$python" manage.py migrate library
step "$python" manage.py migrate library 0001
step "$python" manage.py migrate library
step "$mgen" generate .
