"""The command line: `kanazawa-desktop [--db PATH] [COMMAND ...]`.

With no command it opens the window. Commands run on services only and never create a
window; errors print one line to stderr and exit non-zero (1: refused or failed,
2: wrong usage, 3: finished with conflicts left unapplied).
"""

from __future__ import annotations

import argparse
import os
import sys

from ..domain.errors import DeskError
from ..domain.location import Location, parse_location
from ..services.paths import ENV_DB, default_db_path
from . import (
    assign_cmd,
    backup_cmd,
    conflicts_cmd,
    copy_from_cmd,
    export_cmd,
    import_cmd,
    indicators_cmd,
    init_cmd,
    opendata_cmd,
    plan_cmd,
    plan_option,
    plans_cmd,
    print_cmd,
    status_cmd,
    user_cmd,
    year_cmd,
)
from .parser import JapaneseParser

# Each command module has `register(subparsers)` setting `func(args) -> int` on its parser; a
# module imports its services inside `func`, so building the parser loads none of them.
COMMAND_MODULES = [
    init_cmd,
    export_cmd,
    import_cmd,
    print_cmd,
    status_cmd,
    backup_cmd,
    indicators_cmd,
    plans_cmd,
    assign_cmd,
    plan_cmd,
    conflicts_cmd,
    opendata_cmd,
    year_cmd,
    user_cmd,
    copy_from_cmd,
]


def build_parser() -> argparse.ArgumentParser:
    parser = JapaneseParser(
        prog="kanazawa-desktop",
        description="金沢市 行政経営プラン 取組管理デスク。コマンドなしで画面を開きます。",
    )
    parser.add_argument(
        "--db",
        type=_location,
        default=None,
        metavar="PATH|postgresql://…",
        help=f"データベースファイル、または共有サーバー postgresql://ログイン名@ホスト:ポート/データベース名"
        f"（既定: ${ENV_DB} またはユーザーのデータフォルダー）",
    )
    sub = parser.add_subparsers(
        dest="command", parser_class=JapaneseParser, title="コマンド", metavar="コマンド"
    )
    for mod in COMMAND_MODULES:
        mod.register(sub)
    return parser


def _location(text: str) -> Location:
    try:
        return parse_location(text)
    except DeskError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        db_path = args.db or default_db_path()
    except DeskError as exc:  # $KANAZAWA_DESKTOP_DB that is no location
        sys.stderr.write(f"kanazawa-desktop: エラー: {exc.message}\n")
        return 2
    if args.command is None:
        from ..app import run_window

        # no --db and no $KANAZAWA_DESKTOP_DB: back to the server the person last worked on
        return run_window(db_path, resume_server=args.db is None and not os.environ.get(ENV_DB))
    try:
        return int(args.func(args, db_path) or 0)
    except plan_option.UnknownPlan as exc:  # wrong usage, like an unknown option
        sys.stderr.write(f"kanazawa-desktop: エラー: {exc.message}\n")
        return 2
    except DeskError as exc:
        sys.stderr.write(f"kanazawa-desktop: エラー: {exc.message}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("kanazawa-desktop: 中断しました\n")
        return 130
    except BrokenPipeError:  # `... | head` closed the pipe: stop quietly, like other tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
