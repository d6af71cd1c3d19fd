"""`indicators`: the plan's indicators as tab-separated lines, one per indicator and year.

    kanazawa-desktop --db PATH indicators [--plan KEY] [--department NAME]

A header line (番号 指標名 単位 基準値 基準年度 年度 目標値 実績値 判定 所属), then the rows
of services.indicators in printed order. The first nine cells are those of the 指標 sheet;
所属 says whose indicator it is (No.86; 基本目標1 or 計画全体 for a plan's own 数値目標, which
come first). Numbers are written as the sheets write them (146,000; 98.45), without a unit;
an empty cell is an empty string. A tab or line break inside a value becomes a space, so
every row stays one line of ten cells. An unknown plan
or department is one line on stderr and exit 2 (wrong usage), with nothing on stdout.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.errors import InvalidValue
from ..domain.fiscal import short_label
from ..domain.indicator import INDICATOR_COLUMNS, era_label, number_text
from . import plan_option

if TYPE_CHECKING:
    from ..services.indicators import IndicatorRow

HEADER = (*INDICATOR_COLUMNS, "所属")  # 所属: No.N / 基本目標N / 計画全体

# what would end a cell or a line for a TSV reader (str.splitlines' breaks, and the tab)
_BREAKS = re.compile("[\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "indicators",
        help="数値目標の指標を年度ごとにタブ区切りで出力します（目標値・実績値・判定）",
    )
    plan_option.add(p)
    p.add_argument("--department", metavar="NAME", help="この担当課の取組だけ（共管の取組を含む）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk
    from ..services.indicators import indicator_rows

    with Desk.open(db_path, create=False) as desk:
        try:
            rows = indicator_rows(desk, plan=args.plan, department=args.department)
        except InvalidValue as exc:  # a plan or department that does not exist: usage
            sys.stderr.write(f"kanazawa-desktop: エラー: {exc.message}\n")
            return 2
    lines = [_line(HEADER)]
    lines += [_line(cells(r)) for r in rows]
    sys.stdout.write("".join(lines))
    return 0


def cells(row: IndicatorRow) -> tuple[str, ...]:
    """The ten cells of a row, as the header names them."""
    base = row.baseline
    return (
        row.key,
        row.name,
        row.unit,
        number_text(base.value) if base.value is not None else "",
        era_label(base.year) if base.year is not None and base.value is not None else "",
        short_label(row.fy),
        row.target,
        number_text(row.actual) if row.actual is not None else "",
        row.judgement.label,
        row.owner,
    )


def _line(values: tuple[str, ...]) -> str:
    return "\t".join(_BREAKS.sub(" ", v) for v in values) + "\n"
