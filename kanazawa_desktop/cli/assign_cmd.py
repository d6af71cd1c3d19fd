"""`assign FILE.xlsx [--plan KEY] [--dry-run]`: set the departments of many items at once from a
table with the columns 番号 and 担当課 (secretariat only). One line says what changed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import plan_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "assign", help="「番号」「担当課」の表から担当課をまとめて設定します（事務局）"
    )
    p.add_argument("file", type=Path, metavar="FILE.xlsx", help="番号と担当課の表")
    p.add_argument("--dry-run", action="store_true", help="確認だけして何も変更しない")
    plan_option.add(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.assign import assign_departments
    from ..services.desk import Desk

    with Desk.open(db_path, create=False) as desk:
        plan_option.use(desk, args)
        out = assign_departments(desk, args.file, dry_run=args.dry_run)
        verb = "変更します（確認のみ）" if args.dry_run else "変更しました"
        batch = f"（変更 #{out.result.batch_id}）" if out.result and out.result.batch_id else ""
        sys.stdout.write(
            f"{desk.plan.name}: 担当課を {out.changed}件{verb}{batch}、変更なし {out.unchanged}件\n"
        )
    return 0
