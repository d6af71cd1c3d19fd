"""`--db postgresql://… copy-from FILE.sqlite3`: move a secretariat's database onto the server."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..domain.location import Location


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "copy-from",
        help="事務局のデータベースファイルを、空の共有サーバーのデータベースへ丸ごとコピーします",
    )
    p.add_argument("source", metavar="FILE.sqlite3", type=Path, help="コピー元の事務局のファイル")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, db_path: Location) -> int:
    from ..services.server_copy import copy_from

    result = copy_from(args.source, db_path)
    for table, rows in result.tables:
        print(f"{table} {rows}")
    print(
        f"{result.server.display}: {result.source} をコピーしました"
        f"（{len(result.tables)} 表、{result.rows:,} 行、{result.seconds:.1f} 秒）"
    )
    return 0
