"""The Claude Code plugin bundle (issue #5 items 1-2): the manifest and its top-level symlink, the
marketplace file, the two skills, the /migrate command and the launcher ``scripts/mgen-plugin``, checked
against Claude Code's documented conventions and against the real ``mgen``.

What the documentation says, and where it is silent (then the rule here is this project's own):

- Manifest (code.claude.com/docs/en/plugins/manifest-reference): ``.claude-plugin/plugin.json``; only
  ``name`` is required, kebab-case; ``version`` is "a version string, not checked against semver";
  ``author`` an object whose ``name`` is required; ``homepage`` must parse as a URL or the plugin fails to
  load; ``repository`` "not validated"; ``license`` an SPDX identifier; ``keywords`` an array of strings;
  an unknown top-level key is stripped. Silent on a length limit for ``name``: the 64 here is the Agent
  Skills limit for skill names, applied to the plugin too. Semver and a URL-looking ``repository`` are
  this project's rules. Component keys are left out so the default ``skills/`` and ``commands/`` load.
- Marketplace (.../plugins/marketplace-reference): ``name``, ``owner`` (with ``name``) and ``plugins``
  are required; an entry needs ``name`` and ``source``; a relative source starts with ``./`` and resolves
  from the directory holding ``.claude-plugin/`` ("``.`` on its own means the root itself"). Silent on
  ``"./"`` alone; the manifest reference says both ``"."`` and ``"./"`` denote the plugin root for
  ``skills`` and that ``"."`` failed validation before v2.1.221, so ``"./"`` is used.
- Skills (.../skills and agentskills.io/specification): every Claude Code frontmatter field is optional
  and an unknown one is ignored silently (hence the known-field check); the Agent Skills spec limits
  ``name`` to 64 lowercase letters, digits and hyphens matching the folder, ``description`` to 1,024
  characters, and keeps file references one level deep from SKILL.md. In a plugin skill Claude Code
  substitutes ``${CLAUDE_PLUGIN_ROOT}`` and ``${CLAUDE_PLUGIN_DATA}`` in the body and in Bash rules of
  ``allowed-tools``, but does not export them to the Bash tool: the launcher therefore gets
  ``CLAUDE_PLUGIN_DATA=...`` on its command line, and the allow rule names that whole prefix. The docs
  say Bash rules "match the whole command text" and an allow rule "won't match past an assignment" of an
  unknown variable; they are silent on a rule that spells the assignment out itself, which is what these
  rules do (test_allow_rules_match_the_commands_the_body_runs checks it as plain text matching).
- Commands (.../skills): a ``commands/*.md`` file accepts the skill fields except ``name`` and ``paths``;
  ``$ARGUMENTS`` is the whole argument string as typed. The docs do not say in so many words that plugin
  commands substitute ``${CLAUDE_PLUGIN_ROOT}`` in ``allowed-tools`` (they do say so for plugin skills, and
  that commands and skills "work the same way").

The flags of /migration-generate (issue #5 item 3) are all in ``argument-hint``. When this bundle was
written none of ``--quick``, ``--with-tests``, ``--with-docs``, ``--full``, ``--rollback``, ``--from-diff``
was an ``mgen generate`` flag and the plan was one line each of what to do by hand; mgen grew all six
while it was being written, so the skill now passes every one on to ``mgen generate`` unchanged and has
no by-hand lines. test_skill_flags_are_passed_on_or_handled_by_hand keeps that true against the real
``mgen generate --help``: a flag mgen lacks must be under a "Not in mgen:" line saying what to do by hand
instead, and a flag mgen has must be passed on, not handled by hand.

The launcher tests install for real (PyPI, or the local wheel cache) into a temporary
``CLAUDE_PLUGIN_DATA``: once for the module with the repository as the plugin root, once more for the
reinstall test on a copy of it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from conftest import checkout_install_lock

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / ".claude-plugin" / "plugin.json"
MARKETPLACE = ROOT / ".claude-plugin" / "marketplace.json"
LAUNCHER = ROOT / "scripts" / "mgen-plugin"
REQUIREMENTS = ROOT / "scripts" / "requirements.txt"
SKILLS = sorted(p.parent for p in (ROOT / "skills").glob("*/SKILL.md"))
COMMAND = ROOT / "commands" / "migrate.md"
PYPROJECT = (ROOT / "pyproject.toml").read_text()

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
URLISH = re.compile(r"^(?:https?://|git@)[^\s]+$")
# manifest-reference, "Fields": every top-level key Claude Code reads
MANIFEST_FIELDS = {
    "$schema", "name", "displayName", "version", "description", "author", "homepage", "repository", "license",
    "keywords", "metadata", "icon", "documentationUrl", "supportUrl", "privacyPolicyUrl", "termsOfServiceUrl",
    "defaultEnabled", "dependencies", "settings", "userConfig", "types", "channels", "skills", "commands", "agents",
    "hooks", "mcpServers", "lspServers", "outputStyles", "workflows", "experimental",
}
COMPONENT_KEYS = {"skills", "commands", "agents", "hooks", "mcpServers", "lspServers", "outputStyles", "workflows",
                  "experimental", "themes", "monitors"}
# skills, "Frontmatter reference"; a command file takes the same fields except name and paths
SKILL_FIELDS = {"name", "description", "when_to_use", "argument-hint", "arguments", "disable-model-invocation",
                "user-invocable", "allowed-tools", "disallowed-tools", "model", "effort", "context", "agent",
                "background", "hooks", "paths", "shell", "metadata", "license", "compatibility"}
COMMAND_FIELDS = SKILL_FIELDS - {"name", "paths"}
GENERATE_FLAGS = ["--quick", "--full", "--with-tests", "--with-docs", "--zero-downtime", "--data-migration",
                  "--rollback", "--from-diff"]  # issue #5 item 3
# what Claude Code substitutes for the two variables, for the matching test
SUBSTITUTE = {"${CLAUDE_PLUGIN_ROOT}": "/home/u/.claude/plugins/cache/m/migration-generate/0.1.0",
              "${CLAUDE_PLUGIN_DATA}": "/home/u/.claude/plugins/data/migration-generate-migration-generate"}


# =============================================================================================
# Helpers
# =============================================================================================
def frontmatter(path: Path) -> tuple[dict, str]:
    """(frontmatter, body): Claude Code reads frontmatter only when ``---`` is the file's first line."""
    text = path.read_text()
    assert text.startswith("---\n"), f"{path}: the frontmatter must open on the first line"
    head, sep, body = text[4:].partition("\n---\n")
    assert sep, f"{path}: no closing ---"
    fields = yaml.safe_load(head)
    assert isinstance(fields, dict), f"{path}: the frontmatter is not a mapping"
    return fields, body


def tool_rules(value: str) -> list[str]:
    """``allowed-tools`` as a space- or comma-separated string, a rule's parentheses kept whole."""
    rules, depth, current = [], 0, ""
    for char in value:
        if char in " ," and depth == 0:
            if current:
                rules.append(current)
            current = ""
            continue
        depth += (char == "(") - (char == ")")
        current += char
    if current:
        rules.append(current)
    assert depth == 0, f"unbalanced parentheses in {value!r}"
    return rules


def bash_rules(fields: dict) -> list[str]:
    return [r[len("Bash("):-1] for r in tool_rules(fields.get("allowed-tools", "")) if r.startswith("Bash(")]


def substitute(text: str) -> str:
    for name, value in SUBSTITUTE.items():
        text = text.replace(name, value)
    return text


def rule_matches(rule: str, command: str) -> bool:
    """permissions, "Wildcard patterns": ``*`` stands for any text; a trailing `` *`` that is the rule's only
    wildcard also matches the bare command."""
    if rule.endswith(" *") and rule.count("*") == 1:
        pattern = re.escape(rule[:-2]) + r"(?: .*)?"
    else:
        pattern = ".*".join(re.escape(part) for part in rule.split("*"))
    return re.fullmatch(pattern, command, re.DOTALL) is not None


def launcher_prefix(body: str) -> str:
    """What the body calls ``M``: the launcher with CLAUDE_PLUGIN_DATA on its command line."""
    found = re.search(r"^M is `([^`]+)`", body, re.MULTILINE)
    assert found, "the body defines M, the launcher command"
    return found.group(1)


def mgen_spans(text: str) -> list[list[str]]:
    """Every backticked command the text tells the agent to run through mgen (``M ...`` or ``mgen ...``)."""
    spans = []
    for span in re.findall(r"`([^`]+)`", text):  # inline code may run over a line break
        words = span.split()
        if len(words) >= 2 and words[0] in ("M", "mgen"):
            spans.append(words)
    return spans


def mgen_command() -> list[str]:
    sibling = Path(sys.executable).with_name("mgen")
    return [str(sibling)] if sibling.exists() else [shutil.which("mgen") or "mgen"]


def mgen_help(*subcommand: str) -> str:
    done = subprocess.run([*mgen_command(), *subcommand, "--help"], check=False, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def subcommands() -> set[str]:
    found = re.search(r"\{([a-z,-]+)\}", mgen_help())
    assert found, "mgen --help lists its subcommands as {a,b,...}"
    return set(found.group(1).split(","))


def flags(help_text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", help_text))


def skill(name: str) -> Path:
    return ROOT / "skills" / name / "SKILL.md"


# =============================================================================================
# Manifest, symlink, marketplace
# =============================================================================================
def test_manifest_fields_and_types():
    data = json.loads(MANIFEST.read_text())
    assert set(data) <= MANIFEST_FIELDS, f"unknown top-level keys (Claude Code strips them): {set(data) - MANIFEST_FIELDS}"
    assert isinstance(data["name"], str) and KEBAB.match(data["name"]) and len(data["name"]) <= 64
    assert isinstance(data["version"], str) and SEMVER.match(data["version"])
    assert isinstance(data["description"], str) and data["description"].strip()
    assert isinstance(data["author"], dict) and isinstance(data["author"].get("name"), str) and data["author"]["name"]
    assert isinstance(data["license"], str) and re.fullmatch(r"[A-Za-z0-9.+-]+", data["license"])
    assert isinstance(data["keywords"], list) and data["keywords"]
    assert all(isinstance(k, str) and k for k in data["keywords"])
    for key in ("homepage", "repository"):
        if key in data:
            assert isinstance(data[key], str) and URLISH.match(data[key]), f"{key}: {data[key]!r}"
    assert not set(data) & COMPONENT_KEYS, "no component paths: the default skills/ and commands/ must load"
    assert data["version"] == version(), "the plugin version is the package version"
    assert f'license = {{ text = "{data["license"]}" }}' in PYPROJECT


def test_top_level_plugin_json_is_a_symlink_to_the_manifest():
    link = ROOT / "plugin.json"
    assert link.is_symlink()
    assert link.resolve() == MANIFEST.resolve()
    assert os.readlink(link) == ".claude-plugin/plugin.json"


def test_marketplace_installs_this_repository():
    data = json.loads(MARKETPLACE.read_text())
    manifest = json.loads(MANIFEST.read_text())
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", data["name"]) and ".." not in data["name"]
    assert not data["name"].startswith(("claude-", "anthropic-", "claudeai-"))  # reserved-looking names
    assert isinstance(data["owner"], dict) and isinstance(data["owner"].get("name"), str) and data["owner"]["name"]
    assert isinstance(data.get("description"), str)  # claude plugin validate warns when it is missing
    assert isinstance(data["plugins"], list) and len(data["plugins"]) == 1
    entry = data["plugins"][0]
    assert entry["name"] == manifest["name"]
    assert isinstance(entry["source"], str) and entry["source"].startswith("./") and ".." not in entry["source"]
    # relative sources resolve from the directory that holds .claude-plugin/, not from .claude-plugin/
    assert (MARKETPLACE.parent.parent / entry["source"]).resolve() == ROOT
    assert "version" not in entry  # plugin.json's version wins, and validate warns when both set one
    assert not set(entry) & COMPONENT_KEYS


# =============================================================================================
# Skills and the command
# =============================================================================================
@pytest.mark.parametrize("folder", SKILLS, ids=[p.name for p in SKILLS])
def test_skill_frontmatter_and_size(folder: Path):
    fields, body = frontmatter(folder / "SKILL.md")
    assert set(fields) <= SKILL_FIELDS, f"fields Claude Code would ignore: {set(fields) - SKILL_FIELDS}"
    name = fields["name"]
    assert isinstance(name, str) and KEBAB.match(name) and len(name) <= 64 and name == folder.name
    assert isinstance(fields["description"], str) and 0 < len(fields["description"]) <= 1024
    assert len(body.splitlines()) <= 150
    assert "$ARGUMENTS" in body
    for rule in bash_rules(fields):
        scripts = re.findall(r'"\$\{CLAUDE_PLUGIN_ROOT\}/(scripts/[^"]+)"', rule)
        assert scripts, f"{rule!r}: every Bash rule runs a script of the plugin"
        for script in scripts:
            assert (ROOT / script).is_file() and os.access(ROOT / script, os.X_OK), script


def test_migration_generate_is_user_invoked_and_short():
    fields, body = frontmatter(skill("migration-generate"))
    assert fields["disable-model-invocation"] is True
    hint = fields["argument-hint"]
    assert isinstance(hint, str)
    for flag in GENERATE_FLAGS:
        assert flag in hint, flag
    assert bash_rules(fields), "allowed-tools pre-approves the launcher"
    words = len(body.split())
    assert words < 300, f"{words} words: SKILL.md is read on every run"


def test_skill_flags_are_passed_on_or_handled_by_hand():
    fields, body = frontmatter(skill("migration-generate"))
    passed, _, by_hand = body.partition("Not in mgen:")
    step = next(line for line in passed.splitlines() if "`M generate" in line)
    known = flags(mgen_help("generate"))
    for flag in re.findall(r"--[a-z][a-z-]*", fields["argument-hint"]):
        if flag in known:
            assert flag not in by_hand, f"{flag} is an mgen generate flag: pass it on"
            assert "$ARGUMENTS" in step or flag in step, f"the generate step passes {flag} on"
        else:
            assert f"`{flag}`" in by_hand, f"{flag} is not in mgen: say what to do by hand"


def test_reference_files_exist_one_level_deep():
    folder = skill("migration-generate").parent
    _, body = frontmatter(folder / "SKILL.md")
    named = set(re.findall(r"\]\(([^)]+)\)", body)) | set(re.findall(r"reference/[\w.-]+\.md", body))
    assert named, "the skill names its reference files"
    for link in named:
        assert Path(link).parts[0] == "reference" and len(Path(link).parts) == 2, link
        assert (folder / link).is_file(), link
    files = {f"reference/{p.name}" for p in (folder / "reference").iterdir()}
    assert files == named, "every reference file is named by SKILL.md, and only those exist"
    for path in (folder / "reference").iterdir():
        local = [t for t in re.findall(r"\]\(([^)]+)\)", path.read_text()) if "://" not in t]
        assert not local, f"{path.name} links further ({local}): references stay one level deep"


def test_every_mgen_command_named_exists():
    """Each ``M <subcommand>`` / ``mgen <subcommand>`` the skills, their references and the command tell the
    agent to run is in ``mgen --help``, and each flag given to it is in that subcommand's own help."""
    texts = [p.read_text() for p in (ROOT / "skills").rglob("*.md")] + [COMMAND.read_text()]
    known, seen = subcommands(), set()
    helps: dict[tuple[str, ...], set[str]] = {}
    for text in texts:
        for words in mgen_spans(text):
            sub = words[1]
            assert sub in known, f"mgen {sub} does not exist ({' '.join(words)})"
            seen.add(sub)
            key = (sub,)
            if key not in helps:
                helps[key] = flags(mgen_help(sub))
            for flag in re.findall(r"--[a-z][a-z-]*", " ".join(words[2:])):
                assert flag in helps[key], f"mgen {sub} has no {flag} ({' '.join(words)})"
    assert {"check", "status", "plan", "generate", "lint", "migrate"} <= seen


def test_allow_rules_match_the_commands_the_body_runs():
    """After Claude Code substitutes the two variables, each skill's allow rule matches every launcher
    command its body runs, so the skill runs without prompts; /migrate's rules match its read-only
    commands and not the ones that change a database, which keep Claude Code's own permission prompt."""
    for folder in SKILLS:
        fields, body = frontmatter(folder / "SKILL.md")
        prefix, rules = launcher_prefix(body), [substitute(r) for r in bash_rules(fields)]
        for words in mgen_spans(body):
            command = substitute(f"{prefix} {' '.join(words[1:])}")
            assert any(rule_matches(r, command) for r in rules), f"{folder.name}: no rule allows {command!r}"
    fields, body = frontmatter(COMMAND)
    prefix, rules = launcher_prefix(body), [substitute(r) for r in bash_rules(fields)]
    changes = ("migrate run", "migrate rollback", "migrate create", "migrate force", "migrate $ARGUMENTS")  # may change the database
    for words in mgen_spans(body):
        command = substitute(f"{prefix} {' '.join(words[1:])}")
        allowed = any(rule_matches(r, command) for r in rules)
        assert allowed is not any(c in " ".join(words) for c in changes), command
    for command in ("python manage.py migrate", "alembic upgrade head", "alembic downgrade -1"):
        assert not any(rule_matches(r, command) for r in rules), command


def test_migrate_command():
    fields, body = frontmatter(COMMAND)
    assert set(fields) <= COMMAND_FIELDS
    assert {"description", "argument-hint", "allowed-tools"} <= set(fields)
    assert isinstance(fields["description"], str) and fields["description"]
    for action in ("create", "run", "rollback", "status"):
        assert action in fields["argument-hint"]
    assert "$ARGUMENTS" in body and "M migrate $ARGUMENTS" in body  # mgen parses the flags, not the agent
    # the framework's own commands are mgen's to print and run (scripts/mgen/frameworks/commands.py)
    helped = subprocess.run([sys.executable, "-m", "mgen.cli", "migrate", "--help"], capture_output=True,
                            text=True, check=True).stdout
    helped = " ".join(helped.split())
    assert "python manage.py" in helped and "alembic upgrade head" in helped
    assert "production" in body and "--yes" in body
    for rule in bash_rules(fields):
        for script in re.findall(r'"\$\{CLAUDE_PLUGIN_ROOT\}/(scripts/[^"]+)"', rule):
            assert (ROOT / script).is_file(), script


# =============================================================================================
# The launcher
# =============================================================================================
NOISE = {"__pycache__", ".git", ".venv", ".hypothesis", ".ruff_cache", ".pytest_cache"}
SKIP = ("bench/node_modules/",)  # large, and nothing of the launcher's
LAUNCHER_OUTPUTS = {"venv", "venv.stamp", ".lock", ".lock.d"}


def listing(root: Path, skip: tuple[str, ...] = SKIP) -> dict[str, tuple[int, int]]:
    """Every path under ``root`` with its mtime and size, leaving out caches and the ``skip`` prefixes."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath).relative_to(root).as_posix()
        prefix = "" if here == "." else here + "/"
        dirnames[:] = [d for d in dirnames if d not in NOISE and not (prefix + d + "/").startswith(skip)]
        for name in dirnames:
            found[prefix + name + "/"] = (0, 0)
        for name in filenames:
            if (prefix + name).startswith(skip):
                continue
            info = Path(dirpath, name).lstat()
            found[prefix + name] = (info.st_mtime_ns, info.st_size)
    return found


def launch(data: Path, root: Path, *args: str, plugin_root: Path | None = None,
           pip: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_PLUGIN_", "VIRTUAL_ENV"))}
    env.update(CLAUDE_PLUGIN_DATA=str(data), CLAUDE_PLUGIN_ROOT=str(plugin_root or root), **(pip or {}))
    return subprocess.run([str(root / "scripts" / "mgen-plugin"), *args], check=False, capture_output=True,
                          text=True, env=env, timeout=600)


def timed(data: Path, root: Path, *args: str, **pip: str) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = launch(data, root, *args, pip=pip)
    return time.perf_counter() - start, done


def version() -> str:
    return re.search(r'^version = "([^"]+)"', PYPROJECT, re.MULTILINE).group(1)  # tomllib: Python 3.11+


def plugin_copy(target: Path) -> Path:
    """The installable plugin as ``scripts/build-plugin`` writes it: only what the plugin reads."""
    done = subprocess.run([str(ROOT / "scripts" / "build-plugin"), str(target)], check=False, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """One real first call with the repository as the plugin root: its time, result and the listings."""
    data = tmp_path_factory.mktemp("plugin-data")
    with checkout_install_lock():  # no other test pip-installs the checkout meanwhile (the quickstart's)
        before = listing(ROOT)
        # an extra index that does not exist: pip warns about it even with --quiet (as it warns about a
        # deprecation, a cache folder it cannot write, ...): the agent must not read it
        missing = (data.parent / "no-such-index").as_uri()
        seconds, done = timed(data, ROOT, "--version", PIP_EXTRA_INDEX_URL=missing)
        after = listing(ROOT)
    print(f"\nmgen-plugin first call (install): {seconds:.1f} s")
    return {"data": data, "seconds": seconds, "done": done, "before": before, "after": after}


def test_first_call_installs_into_plugin_data(installed):
    done, data = installed["done"], installed["data"]
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"mgen {version()}"
    # one line for the whole install (#15 item 13): what pip said is in install.log
    assert done.stderr == f"mgen-plugin: installing mgen {version()} into {data / 'venv'} (first run, or its " \
        "requirements changed)\n"
    assert "no-such-index" in (data / "install.log").read_text()
    assert (data / "venv" / "bin" / "mgen").is_file()
    assert len((data / "venv.stamp").read_text().strip()) == 64


def test_nothing_written_under_the_plugin_root(installed):
    """Other engineers edit this checkout while the suite runs, so a change to a file git tracks or would
    add is theirs; what an install into the root would leave (``build/``, ``*.egg-info``, ``dist/``: all
    git-ignored) or the launcher's own files are not. The reinstall test compares a copy in full."""
    before, after = installed["before"], installed["after"]
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    ours = [path for path in changed if Path(path.rstrip("/")).name in LAUNCHER_OUTPUTS]
    if changed and (ROOT / ".git").exists():
        listed = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "--stdin"], check=False, text=True,
                                input="\n".join(p.rstrip("/") for p in changed), capture_output=True)
        assert listed.returncode in (0, 1), listed.stderr
        ours += listed.stdout.split()
    elif changed:
        ours += changed
    assert not ours, {path: (before.get(path), after.get(path)) for path in ours}


def test_warm_start_does_not_reinstall(installed):
    data = installed["data"]
    stamp, venv = data / "venv.stamp", data / "venv"
    marks = (stamp.read_text(), stamp.stat().st_mtime_ns, venv.stat().st_ino, venv.stat().st_mtime_ns)
    runs = [timed(data, ROOT, "--version") for _ in range(3)]
    for _, done in runs:
        assert done.returncode == 0 and done.stdout.strip() == f"mgen {version()}", done.stderr
        assert done.stderr == ""
    assert (stamp.read_text(), stamp.stat().st_mtime_ns, venv.stat().st_ino, venv.stat().st_mtime_ns) == marks
    print(f"\nmgen-plugin warm start: {min(seconds for seconds, _ in runs) * 1000:.0f} ms")  # printed, never asserted


def test_arguments_reach_mgen(installed, tmp_path):
    done = launch(installed["data"], ROOT, "check", str(tmp_path))
    assert done.returncode == 2 and done.stdout == ""  # not a project mgen knows
    done = launch(installed["data"], ROOT, "status", "--help")
    assert done.returncode == 0 and done.stdout.startswith("usage: mgen status")


def test_without_plugin_data_it_stops(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE_PLUGIN_")}
    done = subprocess.run([str(LAUNCHER), "--version"], check=False, capture_output=True, text=True, env=env,
                          timeout=60, cwd=tmp_path)
    assert done.returncode == 2 and "CLAUDE_PLUGIN_DATA" in done.stderr and done.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_a_failed_install_shows_what_pip_said_and_stops(tmp_path):
    """pip cannot find the requirements (no index, an empty folder of wheels): exit 2, the end of pip's
    output and one line saying where the rest is; nothing marked ready, so the next call tries again."""
    data, wheels = tmp_path / "data", tmp_path / "wheels"
    wheels.mkdir()
    done = launch(data, ROOT, "--version", pip={"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)})
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0].startswith("mgen-plugin: installing mgen")
    assert any("No matching distribution" in line for line in lines[1:-1]), done.stderr
    assert lines[-1] == (f"mgen-plugin: installing mgen failed (the lines above are the end of "
                         f"{data / 'install.log'}); the next call tries again")
    assert not (data / "venv.stamp").exists()


def test_requirements_are_pinned_to_the_development_environment():
    lines = [line.strip() for line in REQUIREMENTS.read_text().splitlines()]
    pins = dict(line.split("==") for line in lines if line and not line.startswith("#"))
    names = {re.sub(r"\[.*\]", "", name).lower(): (name, pinned) for name, pinned in pins.items()}
    assert set(names) == {"pyyaml", "jinja2", "sqlparse", "sqlglot", "psycopg", "pymysql"}
    assert names["sqlglot"][0] == "sqlglot[c]" and names["psycopg"][0] == "psycopg[binary]"
    for name, (_, pinned) in names.items():
        assert pinned == metadata.version(name), f"{name}: pinned {pinned}, .venv has {metadata.version(name)}"
    assert re.search(r'"sqlglot\[c\]>=(\d+),<\d+"', PYPROJECT).group(1) == names["sqlglot"][1].split(".")[0]


def test_concurrent_first_calls_then_a_requirements_change_reinstalls(tmp_path):
    root, data = plugin_copy(tmp_path / "plugin"), tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_PLUGIN_", "VIRTUAL_ENV"))}
    env.update(CLAUDE_PLUGIN_DATA=str(data), CLAUDE_PLUGIN_ROOT=str(root))
    before = listing(root, ())
    calls = [subprocess.Popen([str(root / "scripts" / "mgen-plugin"), "--version"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outputs = [call.communicate(timeout=600) for call in calls]
    assert [call.returncode for call in calls] == [0, 0], outputs
    assert all(out.strip() == f"mgen {version()}" for out, _ in outputs)
    assert sum("installing mgen" in err for _, err in outputs) == 1, "the lock lets one of them install"
    assert listing(root, ()) == before, "nothing written under the plugin root"
    stamp = (data / "venv.stamp").read_text()

    requirements = root / "scripts" / "requirements.txt"
    requirements.write_text(requirements.read_text() + "# changed by tests/test_plugin.py\n")
    before = listing(root, ())
    done = launch(data, root, "--version")
    assert done.returncode == 0 and "installing mgen" in done.stderr, done.stderr
    assert (data / "venv.stamp").read_text() != stamp
    done = launch(data, root, "--version")
    assert done.returncode == 0 and done.stderr == ""
    assert listing(root, ()) == before, "nothing written under the plugin root"


# =============================================================================================
# The built plugin (scripts/build-plugin): what an install carries
# =============================================================================================
def test_built_plugin_holds_what_the_plugin_reads_and_nothing_else(tmp_path):
    built = plugin_copy(tmp_path / "plugin")
    top = {path.name for path in built.iterdir()}
    assert top == {".claude-plugin", "plugin.json", "skills", "commands", "cache", "scripts", "pyproject.toml",
                   "README.md", "LICENSE"}
    assert {path.name for path in (built / "scripts").iterdir()} == {"mgen", "mgen-plugin", "requirements.txt"}
    assert not list(built.rglob("__pycache__")) and not list(built.rglob("*.egg-info"))
    assert os.readlink(built / "plugin.json") == ".claude-plugin/plugin.json"
    assert os.access(built / "scripts" / "mgen-plugin", os.X_OK)
    # every file of the package, skill and command is there, byte for byte
    for folder in ("scripts/mgen", "skills", "commands", "cache", ".claude-plugin"):
        for source in (ROOT / folder).rglob("*"):
            if source.is_file() and "__pycache__" not in source.parts and source.suffix != ".pyc":
                copy = built / source.relative_to(ROOT)
                assert copy.read_bytes() == source.read_bytes(), copy
    # every script a skill or the command runs, and every reference file a skill names, is in the build
    texts = [path.read_text() for path in [*(built / "skills").rglob("*.md"), *(built / "commands").glob("*.md")]]
    for text in texts:
        for script in re.findall(r"\$\{CLAUDE_PLUGIN_ROOT\}/([\w./-]+)", text):
            assert (built / script).is_file(), script
    references = [(skill_file, ref) for skill_file in (built / "skills").glob("*/SKILL.md")
                  for ref in re.findall(r"\breference/[\w.-]+\.md", skill_file.read_text())]
    assert references
    for skill_file, ref in references:
        assert (skill_file.parent / ref).is_file(), ref
    # the marketplace serves the built folder itself
    entry = json.loads((built / ".claude-plugin" / "marketplace.json").read_text())["plugins"][0]
    assert (built / entry["source"]).resolve() == built.resolve()
    shipped = sum(path.stat().st_size for path in built.rglob("*") if path.is_file())
    print(f"\nbuilt plugin: {shipped / 1024:.0f} KB")
    assert not any((built / name).exists() for name in ("tests", "bench", "docs", "examples"))


def test_build_plugin_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    done = subprocess.run([str(ROOT / "scripts" / "build-plugin"), str(tmp_path / "out")], check=False,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "is not an empty folder" in done.stderr
    assert [path.name for path in (tmp_path / "out").iterdir()] == ["keep.txt"]
    assert [path.name for path in tmp_path.iterdir()] == ["out"]  # no staging folder left behind
