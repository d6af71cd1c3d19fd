"""`export OUT.xlsx [--department NAME]`: write the shared workbook.

On the secretariat's database: the master workbook, or with --department that department's
part. On a department's database: its own part, to send back to the secretariat.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import plan_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="共有ブック（Excel）を書き出します")
    p.add_argument("out", type=Path, metavar="OUT.xlsx", help="書き出すファイル")
    p.add_argument(
        "--department", metavar="NAME", help="この担当課の分だけを書き出す（事務局のPC）"
    )
    plan_option.add(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk
    from ..services.exchange import export_workbook

    with Desk.open(db_path, create=False) as desk:
        plan_option.use(desk, args)
        result = export_workbook(desk, args.out, args.department)
    what = f"{result.department}の分" if result.department else "一覧表（全体）"
    print(f"{result.path}: {what}を書き出しました（入力 {result.rows}行）")
    return 0
