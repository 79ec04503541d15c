#!/usr/bin/env bash
# Installs mgen into .venv and generates a verified migration for the bundled blog example (SQLite,
# no server needed). The example is copied to a temporary folder, removed at the end, so the repository
# stays as it is and nothing is left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e . >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT  # the copy goes when the script ends: what it wrote is printed below
cp -r examples/blog "$work/blog"
echo "\$ mgen generate blog --dialect sqlite --schema blog/schema.sql --name blog_v2 --verify"
(cd "$work" && "$OLDPWD/.venv/bin/mgen" generate blog --dialect sqlite --schema blog/schema.sql --name blog_v2 --verify)
for f in "$work"/blog/migrations/000003_*; do
  echo; echo "==> ${f#"$work"/} <=="; cat "$f"
done
