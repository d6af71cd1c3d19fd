"""`year`: the plan's fiscal years, open or closed; `year close R5` / `year open R5` (secretariat).

    kanazawa-desktop --db PATH year [list] [--plan KEY]
    kanazawa-desktop --db PATH year close R5 [--plan KEY]
    kanazawa-desktop --db PATH year open R5 [--plan KEY]

`list` prints a header and one tab-separated line per year: 年度, 状態 (受付中 / 締切済み), 締切日時,
締切者; the current fiscal year is marked 今年度 in a fifth column. A year is given as R5, 令和5年度
or 2023. A label that is no year is a usage error (exit 2); a year outside the plan, one already
closed (or not closed, for open) or a department's database: one line, exit 1, nothing changes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import plan_option

HEADER = ("年度", "状態", "締切日時", "締切者", "今年度")


def _year(text: str) -> int:
    from ..domain.fiscal import parse_year

    try:
        return parse_year(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"年度ではありません: {text}（R5、令和5年度、2023 のように指定してください）"
        ) from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("year", help="年度の締切と再開（締め切った年度の値は変更できません）")
    plan_option.add(p)
    p.set_defaults(func=run, action="list", fy=None)
    acts = p.add_subparsers(dest="action", title="操作", metavar="操作")
    listing = acts.add_parser("list", help="年度ごとの状態（受付中・締切済み）を出力します")
    _plan_after(listing)
    for name, text in (("close", "年度を締め切ります"), ("open", "締め切った年度を再開します")):
        a = acts.add_parser(name, help=text)
        a.add_argument("fy", metavar="年度", type=_year, help="R5、令和5年度、2023 など")
        _plan_after(a)


def _plan_after(p: argparse.ArgumentParser) -> None:
    """--plan after the operation too; SUPPRESS: unset there, it leaves the one given before
    the operation alone (an ordinary default would reset it: `year --plan X close R6` then
    closed the first plan's R6)."""
    p.add_argument(
        "--plan", metavar="KEY", default=argparse.SUPPRESS, help="計画のコードか名前の一部"
    )


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..domain.fiscal import era_date, long_label, short_label
    from ..services import fiscal_years as FY
    from ..services.desk import Desk

    with Desk.open(db_path, create=False) as desk:
        plan_option.use(desk, args)
        if args.action in ("close", "open"):
            change = FY.close_year if args.action == "close" else FY.open_year
            change(desk, args.fy, source="cli")
            done = "締め切りました" if args.action == "close" else "再開しました"
            print(f"{desk.plan.name} {long_label(args.fy)}を{done}")
            return 0
        now = FY.current_year(desk.plan)
        lines = ["\t".join(HEADER)]
        for st in FY.year_states(desk):
            c = st.closed
            lines.append(
                "\t".join(
                    (
                        short_label(st.fy),
                        "締切済み" if c else "受付中",
                        era_date(c.at) if c else "",
                        c.user if c else "",
                        "今年度" if st.fy == now else "",
                    )
                )
            )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
