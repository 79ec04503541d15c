"""`mgen`: the command-line contract the skills, the tests and other tools call.

    mgen diff OLD NEW --dialect D [--rename A=B ...] [--db URL] [--json] [--zero-downtime [--backfill ...]]
    mgen verify OLD NEW --dialect D [--db SERVER_URL] [--rename A=B ...] [--json]
    mgen generate [PROJECT_DIR] --dialect D (--schema NEW | --changes FILE) [--migrations DIR]
                  [--format golang-migrate|goose|plain] [--name NAME] [--rename ...] [--verify] [--db URL]
                  [--dry-run] [--json] [--zero-downtime [--backfill T.C=SQL ...] [--batch-size N]]
    mgen generate [PROJECT_DIR] --dialect D --data-migration --backfill T.C=SQL [...] [--batch-size N]
    mgen generate [FRAMEWORK_PROJECT] [--name NAME] [--rename ...] [--verify] [--dry-run] [framework flags]
    mgen new-migration ...   (the same as generate)
    mgen plan [PROJECT_DIR] [generate's options]
    mgen lint PATH... --dialect D [--format text|json|sarif | --json] [--schema SOURCE] [--pg-version V]
                  [--no-transaction|--transaction] [--db URL]
    mgen check | status | cache | migrate ...

This module parses the arguments (``commands.parser``), runs the command (``commands``), and turns errors
into exit codes: 0 done; 1 verification failed (verify, generate --verify) or an error finding (lint); 2 bad
input (one line on stderr; input nested deeper than Python's recursion limit too); 3 an internal error (a
defect: its traceback with MGEN_DEBUG=1); 130 interrupted (Ctrl-C), 143 terminated (SIGTERM), both after
every clean-up ran.
"""
from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence

from .commands.parser import build_parser
from .errors import TOO_DEEP, MgenError


class Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so that every ``finally`` runs (a scratch database is dropped,
    a temporary file removed) before the process ends with 143."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def handle_termination() -> Iterator[None]:
    """Treat SIGTERM as SIGINT is treated while the block runs: unwind, clean up, exit (``kill``, a CI timeout,
    an agent stopping a run). SIGKILL cannot be caught: what it leaves, the next run drops
    (``db.stale_scratch``). Only a process's main thread can; elsewhere (mgen called from a thread) nothing
    changes. The previous handler is put back afterwards."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None):
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    with handle_termination():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    # A short-lived process that builds many small objects (syntax trees, schema models): the cyclic
    # collector's default threshold makes it walk them over and over (a third of a large project's read)
    gc.set_threshold(100_000, 50, 100)
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(next((a for a in argv if not a.startswith("-")), None))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except MgenError as e:
        print(f"mgen: {e.one_line()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Terminated:
        return 143
    except BrokenPipeError:
        return 0
    except RecursionError:  # bad input, not a defect: an expression or a document nested hundreds deep
        print(f"mgen: {TOO_DEEP}", file=sys.stderr)
        return 2
    except Exception as e:
        if os.environ.get("MGEN_DEBUG"):
            raise
        print(f"mgen: internal error: {type(e).__name__}: {e} (set MGEN_DEBUG=1 for the traceback)", file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
