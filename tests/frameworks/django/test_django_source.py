"""Where the static reader finds a module, as Python's import system would: a regular module or package
anywhere on the path wins over a directory without ``__init__.py`` earlier on it (a namespace portion)."""
from __future__ import annotations

from pathlib import Path

from mgen.frameworks.django.source import Finder


def test_a_regular_package_later_on_the_path_wins_over_a_namespace_directory(tmp_path: Path):
    shadow = tmp_path / "shadow"
    (shadow / "django").mkdir(parents=True)  # a folder named like the library, no __init__.py: not Django
    project = tmp_path / "proj"
    project.mkdir()
    finder = Finder.for_project(project, extra=[shadow])
    package = finder.module("django")
    assert package is not None and package.path.name == "__init__.py" and package.path.parent != shadow / "django"
    module = finder.module("django.utils.timezone")
    assert module is not None and module.path.name == "timezone.py"


def test_a_namespace_package_counts_when_nothing_else_does(tmp_path: Path):
    (tmp_path / "proj" / "plugins").mkdir(parents=True)  # an implicit namespace package of the project
    (tmp_path / "proj" / "plugins" / "extra.py").write_text("VALUE = 1\n")
    finder = Finder.for_project(tmp_path / "proj")
    assert finder.module("plugins") is not None
    assert finder.module("plugins.extra").path.name == "extra.py"


def test_source_text_is_the_segment_python_would_give(tmp_path: Path):
    """``source_text`` keeps a file's lines between calls; what it returns is ``ast.get_source_segment``'s
    answer on every node: multi-line values, non-ASCII text (AST columns count UTF-8 bytes), CRLF and lone CR
    line ends, and a form feed (a line end for ``str.splitlines`` but not for Python's source)."""
    import ast
    from types import SimpleNamespace

    from mgen.frameworks.django.source import source_text

    text = ('NAME = "café"; OTHER = "ü" + "x"\r\n'
            'FIELD = models.CharField(\r\n    verbose_name="naïve",\r\n    max_length=3,\r\n)\r'
            'BLOCKS = [("a", {"k": "\x0c"}),\n          ("é", 2)]  # ok\n')
    path = tmp_path / "m.py"
    path.write_bytes(text.encode("utf-8"))
    module = SimpleNamespace(path=path)
    nodes = [n for n in ast.walk(ast.parse(text)) if isinstance(n, (ast.expr, ast.stmt))]
    assert len(nodes) > 20
    for node in nodes:
        assert source_text(module, node) == ast.get_source_segment(text, node)
    # a file changed since it was parsed (now too short for the node): the node as unparsed
    path.write_bytes(b"X = 1\n")
    call = next(n for n in nodes if isinstance(n, ast.Call))
    assert source_text(module, call) == ast.unparse(call)


def test_a_name_only_a_missing_library_s_star_import_can_bind_is_that_library_s(tmp_path: Path):
    """``from modelsearch.index import *`` (not installed) then ``index.Indexed`` elsewhere: at run time the
    name is the library's, or a NameError; two such star imports leave it unknown, and a builtin name stays
    ambiguous (the library may shadow it)."""
    from mgen.frameworks.django.source import External
    from mgen.frameworks.pyast import Unknown

    (tmp_path / "proj" / "search").mkdir(parents=True)
    (tmp_path / "proj" / "search" / "__init__.py").write_text("")
    (tmp_path / "proj" / "search" / "index.py").write_text("from notinstalled.index import *  # noqa\nLOCAL = 1\n")
    (tmp_path / "proj" / "search" / "two.py").write_text("from lib_a import *\nfrom lib_b import *\n")
    finder = Finder.for_project(tmp_path / "proj")
    index = finder.module("search.index")
    assert finder.lookup(index, "Indexed") == External("notinstalled.index.Indexed")
    assert not isinstance(finder.lookup(index, "LOCAL"), (External, Unknown))
    assert isinstance(finder.lookup(index, "len"), Unknown)
    assert isinstance(finder.lookup(finder.module("search.two"), "Indexed"), Unknown)
