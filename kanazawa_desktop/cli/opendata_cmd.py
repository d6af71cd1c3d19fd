"""`opendata FOLDER [--plan KEY]`: each plan's measures and indicators as CSV (UTF-8 with BOM)
with a datapackage.json describing them (services/opendata.py). Without --plan, every plan.

Prints one line per file written, then a summary. Exit 1 when the folder cannot be written
or the database is a department's (nothing written); 2 for an unknown plan."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import plan_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "opendata",
        help="公開用のCSV（取組の進捗・指標の実績）とdatapackage.jsonをフォルダーに書き出します",
    )
    p.add_argument("folder", metavar="FOLDER", help="書き出すフォルダー（なければ作ります）")
    plan_option.add(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk
    from ..services.opendata import write_opendata

    with Desk.open(db_path, create=False) as desk:
        plan_option.use(desk, args)
        result = write_opendata(desk, Path(args.folder), plan=desk.plan.code if args.plan else None)
    for path in result.files:
        print(path)
    print(f"オープンデータを書き出しました: {len(result.files)} ファイル、{result.rows:,} 行")
    return 0
