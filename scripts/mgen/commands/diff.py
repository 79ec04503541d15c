"""``mgen diff OLD NEW`` and ``mgen verify OLD NEW``: two schema sources, the operations between them (with
their SQL both ways and the rules' findings), and the proof on a scratch database."""
from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from ..errors import MgenError

if TYPE_CHECKING:
    from ..rules import TableStats
    from ..schema import Schema


def load(spec: str, dialect: str) -> Schema:
    from ..sources import load_schema

    return load_schema(spec, dialect)


def cmd_diff(args: argparse.Namespace) -> int:
    from ..dialects import get_dialect
    from ..differ import diff
    from ..plan import Plan, SeriesPlan, backfills, batch_size, sql_block

    old, new = load(args.old, args.dialect), load(args.new, args.dialect)
    result = diff(old, new, get_dialect(args.dialect), args.rename, as_stored=True)
    if args.zero_downtime:
        series = SeriesPlan(old, result.operations, args.dialect, result.suggestions,
                            backfills=backfills(args.backfill, args.dialect), batch_size=batch_size(args.batch_size))
        if args.json:
            print(json.dumps(series.to_dict(), indent=None if args.compact else 2))
        elif not series.ops:
            print("no changes")
        else:
            print("\n".join(series.summary_lines() + series.sql_lines()))
        return 0
    if args.backfill:
        raise MgenError("--backfill applies with --zero-downtime (or generate --data-migration)")
    stats, server_version = live_facts(args.db, args.dialect)
    plan = Plan(old, result.operations, args.dialect, result.suggestions, stats=stats, server_version=server_version)
    if args.json:
        print(json.dumps(plan.to_dict(), indent=None if args.compact else 2))
        return 0
    if not plan.ops:
        print("no changes")
        for s in plan.suggestions:
            print(f"  {s}")
        return 0
    print("\n".join(plan.summary_lines()))
    print("-- up")
    print(sql_block(plan.up))
    print("-- down")
    print(sql_block(plan.down))
    return 0


def live_facts(url: str | None, dialect: str) -> tuple[dict[str, TableStats] | None, tuple[int, ...] | None]:
    """Table statistics and server version of the target database for the rules (``--db``), else None."""
    if not url:
        return None, None
    from ..stats import live_facts

    facts = live_facts(url, dialect)
    return facts.stats, facts.server_version


def cmd_verify(args: argparse.Namespace) -> int:
    from ..verify import verify

    old, new = load(args.old, args.dialect), load(args.new, args.dialect)
    report = verify(old, new, args.dialect, server_url=args.db, renames=args.rename, as_stored=True)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        print(report.format_text())
    return 0 if report.ok else 1
