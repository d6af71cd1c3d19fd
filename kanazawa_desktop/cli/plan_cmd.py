"""`plan import FILE.xlsx [--key KEY] [--dry-run]` and `plan export OUT.xlsx --plan KEY`: a whole
plan to and from a workbook in the layout of docs/workbook.md 「計画の書式」.

Import is the secretariat's: every row is checked first (a bad one is one line naming the
sheet and row, exit 1, nothing written), then the plan is added in one transaction; one line
says what it added. Export writes any plan, the bundled ones included.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import plan_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="計画をまるごとExcelから取り込む／Excelに書き出す（事務局）")
    inner = p.add_subparsers(dest="plan_command", metavar="{import,export}", required=True)
    imp = inner.add_parser("import", help="計画の書式のブックから計画を追加します（事務局）")
    imp.add_argument("file", type=Path, metavar="FILE.xlsx", help="計画の書式のブック")
    imp.add_argument("--key", help="計画キー（省略時はブックの「計画キー」）")
    imp.add_argument("--dry-run", action="store_true", help="確認だけして何も変更しない")
    imp.set_defaults(func=run_import)
    exp = inner.add_parser("export", help="計画を計画の書式のブックに書き出します")
    exp.add_argument("out", type=Path, metavar="OUT.xlsx", help="書き出すファイル")
    exp.add_argument(
        "--plan",
        metavar="KEY",
        required=True,
        help="計画のコードか名前の一部（例: gyosei_keiei、総合戦略）",
    )
    exp.set_defaults(func=run_export)


def run_import(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk
    from ..services.plan_io import import_plan

    with Desk.open(db_path, create=False) as desk:
        out = import_plan(desk, args.file, key=args.key, dry_run=args.dry_run)
    if args.dry_run:
        sys.stdout.write(f"追加します（確認のみ）: {out.summary.describe()}\n")
    else:
        sys.stdout.write(f"追加しました（変更 #{out.batch_id}）: {out.summary.describe()}\n")
    return 0


def run_export(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk
    from ..services.plan_io import export_plan

    with Desk.open(db_path, create=False) as desk:
        plan_option.use(desk, args)
        out = export_plan(desk, desk.plan.code, args.out)
        sys.stdout.write(f"{desk.plan.name}（{desk.plan.code}）を書き出しました: {out}\n")
    return 0
