"""`backup OUT.sqlite3` (or a folder): a verified copy of the database."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="データベースのバックアップ（検査済みの複製）を保存します")
    p.add_argument(
        "out",
        metavar="OUT.sqlite3",
        help="保存するファイル、またはフォルダー（末尾に / を付けるか既存のフォルダー）",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.backup import save_backup
    from ..services.desk import Desk

    with Desk.open(db_path, create=False) as desk:
        result = save_backup(desk, args.out)
    print(f"{result.path}: バックアップを保存しました（{result.size:,} バイト）")
    return 0
