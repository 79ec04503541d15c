"""What every native driver starts with: ``frameworks.native.run_driver`` puts this text before the driver's
own and runs both with the project's interpreter (``python -c``); mgen never imports it. The driver's first
argument is the file its answer goes to. Python 3.5+ (the project's interpreter may be old).
"""
# ruff: noqa: UP031 - run by the project's interpreter, which may predate f-strings (Python 3.5)
import json
import sys

ANSWER_FILE = sys.argv[1]  # kept: a driver may set sys.argv for the tool it runs


def emit(data):
    """The driver's answer, as JSON in the file its first argument named."""
    with open(ANSWER_FILE, "w", encoding="utf-8") as out:
        json.dump(data, out)


def first_line(exc):
    """An exception as one line: its class and the first line of its message."""
    text = str(exc).strip().splitlines()
    return "%s: %s" % (type(exc).__name__, text[0]) if text else type(exc).__name__
