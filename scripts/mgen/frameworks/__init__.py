"""Framework support: static readers of models and migration histories, and native migration writers.

One sub-package per framework (``django``, ``alembic``); ``pyast`` holds the static Python reading they
share. Nothing here imports or runs the user's code: files are parsed with ``ast``, and what cannot be
known without running it is reported (file, line, why), never guessed.
"""
