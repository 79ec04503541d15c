#!/usr/bin/env bash
# The Alembic example end to end, in a throwaway git repository (SQLite, no server needed):
#   1. the shop at version 1 is committed; `mgen generate` writes the initial revision; Alembic applies it;
#   2. the models are edited (models_v2.py); `mgen generate` writes only the change, revising the head;
#   3. Alembic applies it, reverses it (downgrade -1) and applies it again; a second `mgen generate`
#      finds nothing to do.
# Usage: bash examples/alembic_shop/demo.sh [WORK_DIR]   (default: a new temp folder)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
[ -x "$repo/.venv/bin/python" ] || python3 -m venv "$repo/.venv"
# install only what is missing (two demos run at once in the test suite; pip must not rewrite the venv under the other)
"$repo/.venv/bin/python" -c "import mgen, django, alembic" 2>/dev/null && [ -x "$repo/.venv/bin/mgen" ] ||
  flock "$repo/.venv/.mgen-install.lock" "$repo/.venv/bin/pip" install -q --disable-pip-version-check -e "$repo[test]" >/dev/null
mgen="$repo/.venv/bin/mgen"
alembic="$repo/.venv/bin/alembic"
work="${1:-$(mktemp -d)}/shop"
rm -rf "$work"
mkdir -p "$(dirname "$work")"
cp -r "$here/project" "$work"
cd "$work"
git init -q && git add -A && git -c user.email=demo@example.com -c user.name=demo commit -qm "shop v1"

step() { echo; echo "\$ $*"; "$@"; }
step "$mgen" generate . --name "create shop"
step "$alembic" upgrade head
git add -A && git -c user.email=demo@example.com -c user.name=demo commit -qm "initial revision"

cp "$here/models_v2.py" app/models.py
step git diff --stat
step "$mgen" generate . --name "order totals and status" --verify
step cat "$(ls -t migrations/versions/*.py | head -1)"
step "$alembic" upgrade head
step "$alembic" current
step "$alembic" downgrade -1
step "$alembic" current
step "$alembic" upgrade head
step "$alembic" current
step "$mgen" generate .
echo; echo "revisions in $work/migrations/versions:"; ls migrations/versions
