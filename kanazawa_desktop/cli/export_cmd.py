"""`export OUT.xlsx [--department NAME] [--deadline DATE]`: write the shared workbook.

On the secretariat's database: the master workbook, or with --department that department's
part. On a department's database: its own part, to send back to the secretariat.
`--deadline 2026-12-25` (or 2026/12/25): the round's 回収期限, logged with the export and
written into the workbook; a date that is no date is a usage error (exit 2), a past one or
one given on a department's database is refused (exit 1). Nothing is written then.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..domain.deadline import deadline_label, parse_deadline
from . import plan_option


def deadline_arg(text: str) -> date:
    """argparse type of --deadline: a usage error (exit 2) worded in Japanese."""
    try:
        return parse_deadline(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="共有ブック（Excel）を書き出します")
    p.add_argument("out", type=Path, metavar="OUT.xlsx", help="書き出すファイル")
    p.add_argument(
        "--department", metavar="NAME", help="この担当課の分だけを書き出す（事務局のPC）"
    )
    p.add_argument(
        "--deadline",
        type=deadline_arg,
        metavar="DATE",
        help="回収期限（例: 2026-12-25 または 2026/12/25）。ブックの「記入のしかた」に書き、回収状況に表示します",
    )
    plan_option.add(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk
    from ..services.exchange import export_workbook

    with Desk.open(db_path, create=False) as desk:
        plan_option.use(desk, args)
        result = export_workbook(desk, args.out, args.department, deadline=args.deadline)
    what = f"{result.department}の分" if result.department else "一覧表（全体）"
    until = f"、回収期限 {deadline_label(args.deadline)}" if args.deadline else ""
    print(f"{result.path}: {what}を書き出しました（入力 {result.rows}行{until}）")
    return 0
