"""`conflicts [--plan KEY]` and `resolve ID --take file|master | --value TEXT`: the
conflicts imports left open, as a worklist.

`conflicts` prints them tab-separated with a header line (ID, 計画, 担当課, 取組No., 年度, 項目,
事務局の値, ブックの値, 取込日時, 種別, 理由), every plan's without --plan; a tab or line break
inside a value is written as a space or ⏎ so each conflict stays one line. 種別 is 競合 or
不正な値 (an open item: a value of the return that broke its field's rule; ブックの値 is the text
as written, 理由 the reason, empty for a 競合). The columns added later come last, so a script
reading by position keeps working. Exit 0.
`resolve ID` settles one: --take file writes the workbook's value, --take master keeps the
secretariat's, --value TEXT writes TEXT (checked like a save). A bad value, an unknown or
already settled ID, --take file on a 不正な値: one line on stderr, exit 1, nothing changes.
Wrong usage: exit 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import plan_option

HEADER = (
    "ID",
    "計画",
    "担当課",
    "取組No.",
    "年度",
    "項目",
    "事務局の値",
    "ブックの値",
    "取込日時",
    "種別",
    "理由",
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("conflicts", help="未解決の競合を一覧します（タブ区切り、1行目は見出し）")
    plan_option.add(p)
    p.set_defaults(func=run_list)
    r = sub.add_parser("resolve", help="未解決の競合を1件解決します")
    r.add_argument("id", metavar="ID", help="conflicts が表示する競合のID")
    r.add_argument(
        "--take",
        choices=("file", "master"),
        help="file: ブックの値にする / master: 事務局の値のままにする",
    )
    r.add_argument("--value", metavar="TEXT", help="この値にする（保存と同じく検査します）")
    r.set_defaults(func=run_resolve, parser=r)


def _cell(text: str) -> str:
    return text.replace("\t", " ").replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")


def run_list(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk
    from ..services.exchange import conflicts as C

    with Desk.open(db_path, create=False) as desk:
        code = None
        if args.plan:
            plan_option.use(desk, args)
            code = desk.plan.code
        lines = [
            (
                str(r.id),
                r.plan,
                r.record.department,
                r.number,
                r.year,
                r.item,
                r.master,
                r.file,
                r.imported_at,
                r.kind,
                r.reason,
            )
            for r in C.rows(desk, C.open_conflicts(desk, code))
        ]
    for line in [HEADER, *lines]:
        print("\t".join(_cell(v) for v in line))
    return 0


def run_resolve(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk
    from ..services.exchange import conflicts as C

    text = args.id.strip().lstrip("#")
    if not text.isdigit():
        args.parser.error(f"競合のIDは数字で指定してください: {args.id}")
    if (args.take is None) == (args.value is None):
        args.parser.error("--take file|master か --value のどちらか一つを指定してください")
    with Desk.open(db_path, create=False) as desk:
        desk.source = "cli"
        res = C.resolve(desk, int(text), take=args.take, value=args.value)
    print(res.summary())
    return 0
