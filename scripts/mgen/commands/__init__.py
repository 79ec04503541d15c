"""The ``mgen`` commands, one module each, behind the one parser (``parser.build_parser``):

    diff.py       mgen diff OLD NEW / mgen verify OLD NEW
    generate.py   mgen generate (new-migration) / mgen plan, for any registered framework
    lint.py       mgen lint PATH... (SQL files, migration folders, a framework project)
    parser.py     the arguments of every command; ``migrate`` (``mgen.runner``) and ``check`` / ``status`` /
                  ``cache`` (``mgen.workflow``) add their own, imported only when one of them runs

Each module imports the engine (dialects, differ, rules, sqlglot) inside the functions that need it, so a
command that does not need it starts without it.
"""
