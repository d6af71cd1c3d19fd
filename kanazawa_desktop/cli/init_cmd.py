"""`init`: create (or open) a database with the bundled plan and set whose PC it is.

Turning the secretariat's database into a department's (or the reverse) is refused, exit 1,
unless `--force`; a forced change is recorded in the database (Desk.role_changes).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="データベースを作成（または開いて）役割を設定します")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--department", metavar="NAME", help="担当課の名前（例: 人事課）")
    who.add_argument("--secretariat", action="store_true", help="事務局のPCとして設定")
    p.add_argument(
        "--force",
        action="store_true",
        help="事務局のデータベースを担当課用に（またはその逆に）変えることを認める（記録されます）",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk

    with Desk.open(db_path, create=True) as desk:
        before = desk.role
        role = desk.set_role(
            department=args.department, secretariat=args.secretariat, force=args.force
        )
        visible = len(desk.rows())
        if before is not None and before.is_secretariat != role.is_secretariat:
            print(f"{db_path}: 役割を{before.label}から{role.label}に変更しました（記録しました）")
        print(f"{db_path}: {role.label}として設定しました（取組 {visible} 件）")
    return 0
