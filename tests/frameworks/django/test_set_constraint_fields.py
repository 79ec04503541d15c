"""``UniqueConstraint(fields={"a", "b", "c"})``: a set, which ``UniqueConstraint`` turns into a tuple in the
order the set iterates, which depends on the process's string hashing (``PYTHONHASHSEED``). Django compares
both sides in one process, so it sees no change; mgen keeps states between runs (the project cache), so the
order it keeps must not depend on the process: sorted (wagtail's ``CustomRendition``, issue #12)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

COMMON = Path(__file__).parents[2] / "fixtures" / "django" / "_common"
sys.path.insert(0, str(COMMON))
import djharness as h

MIGRATION = '''
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name="Rendition", fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("image", models.CharField(max_length=10)),
            ("filter_spec", models.CharField(max_length=10)),
            ("focal_point_key", models.CharField(max_length=10)),
        ], options={"constraints": [models.UniqueConstraint(
            fields={"image", "filter_spec", "focal_point_key"}, name="unique_rendition")]}),
    ]
'''

NOTHING = '''from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]
    operations = []
'''

MODELS = '''from django.db import models


class Rendition(models.Model):
    image = models.CharField(max_length=10)
    filter_spec = models.CharField(max_length=10)
    focal_point_key = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields={"image", "filter_spec", "focal_point_key"}, name="unique_rendition"),
        ]
'''


def test_a_set_of_constraint_fields_compares_alike_in_every_process(tmp_path: Path):
    root = h.write_project(tmp_path / "proj", {"pages": {"0001_initial": MIGRATION}}, {"pages": MODELS})
    assert h.manage(root, "makemigrations", "--check", "--dry-run", check=False).returncode == 0
    scripts = Path(__file__).parents[3] / "scripts"
    for seed in ("1", "2", "3", "4", "5"):  # the first run writes the project cache, the others read the models'
        if seed == "2":  # the history changes (regenerating a migration does): it is replayed again, not the models
            (root / "pages" / "migrations" / "0002_nothing.py").write_text(NOTHING)
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(scripts)}
        done = subprocess.run([sys.executable, "-m", "mgen.cli", "generate", str(root), "--dry-run", "--json",
                               "--engine", "static"], env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        assert not json.loads(done.stdout).get("operations"), (seed, done.stdout[:2000])
