"""`print`: the 取組管理票 (and/or the 取組事項一覧) of the chosen measures into one PDF.

    kanazawa-desktop --db PATH print OUT.pdf [--measure N ...] [--department NAME]
                     [--policy N] [--list | --list-only]

No window opens (Qt runs offscreen when there is no display). Bad input is one Japanese
line on stderr, exit 1, and no file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import plan_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print", help="取組管理票・取組事項一覧をPDFに出力します")
    p.add_argument("out", type=Path, metavar="OUT.pdf", help="出力するPDFファイル")
    p.add_argument(
        "--measure",
        type=int,
        nargs="+",
        metavar="N",
        default=None,
        help="取組No.（複数可）。省略時はすべての取組",
    )
    p.add_argument("--department", metavar="NAME", help="この担当課の取組だけ（共管の取組を含む）")
    p.add_argument("--policy", type=int, metavar="N", help="方針N の取組だけ")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--list", action="store_true", help="取組事項一覧を管理票の前に付ける")
    which.add_argument("--list-only", action="store_true", help="取組事項一覧だけを出力する")
    plan_option.add(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk
    from ..services.printing import print_pdf

    with Desk.open(db_path, create=False) as desk:
        plan_option.use(desk, args)
        result = print_pdf(
            desk,
            args.out,
            numbers=args.measure,
            department=args.department,
            policy=args.policy,
            sheets=not args.list_only,
            listing=args.list or args.list_only,
        )
        item = desk.plan.item
    print(f"{result.path}: {result.pages} ページ（{item} {result.measures} 件）を出力しました")
    return 0
