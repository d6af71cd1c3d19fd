"""`init`: create (or open) a database with the bundled plan and set whose PC it is."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="データベースを作成（または開いて）役割を設定します")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--department", metavar="NAME", help="担当課の名前（例: 人事課）")
    who.add_argument("--secretariat", action="store_true", help="事務局のPCとして設定")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk

    with Desk.open(db_path, create=True) as desk:
        role = desk.set_role(department=args.department, secretariat=args.secretariat)
        visible = len(desk.rows())
        print(f"{db_path}: {role.label}として設定しました（取組 {visible} 件）")
    return 0
