"""`plans`: the plans this database holds, one tab-separated line each after a header.

    kanazawa-desktop --db PATH plans

キー (the code --plan takes), 名称, 期間 (R6–R10), 階層 (基本目標/施策/取組), 件数 (its reporting units,
【再掲】 rows not counted).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HEADER = ("キー", "名称", "期間", "階層", "件数")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plans", help="このデータベースの計画を一覧します（キー・名称・期間・階層・件数）"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..domain.fiscal import short_label
    from ..services.desk import Desk

    lines = ["\t".join(HEADER)]
    with Desk.open(db_path, create=False) as desk:
        for plan in desk.plans():
            desk.use_plan(plan.code)
            count = sum(1 for r in desk.rows(all_departments=True) if r.repeat_of is None)
            levels = "/".join((*plan.levels, plan.item))
            period = f"{short_label(plan.first_fy)}–{short_label(plan.last_fy)}"
            lines.append("\t".join((plan.code, plan.name, period, levels, str(count))))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
