"""`status`: 回収状況 on the secretariat's database, one line per department holding measures,
then the conflicts each return left open (with the ID `resolve` takes); for one plan (`--plan`, else the 行政経営プラン) or
every plan (`--all-plans`: a block per plan, then the total). A line ends with the
department's 回収期限 and 【期限切れ】 when it has passed with nothing returned.

`status --outstanding`: only the departments still to chase (未回収 or 期限切れ), as TSV with a
header (担当課, 計画, 配布日, 回収期限, 状況), for a reminder; `--csv FILE` writes that list to
FILE as CSV in UTF-8 with a BOM (Excel opens it) instead. Exit 0; 1 on a department's
database; 2 for --plan with --all-plans."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.deadline import deadline_label
from ..domain.display import short_time
from ..domain.errors import PermissionDenied
from . import plan_option

if TYPE_CHECKING:
    from ..services.exchange import DepartmentStatus


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "status", help="回収状況（担当課ごとの配布・回収・未解決の競合）を表示します"
    )
    plan_option.add(p)
    p.add_argument(
        "--all-plans",
        action="store_true",
        help="すべての計画の回収状況を計画ごとに表示します",
    )
    p.add_argument(
        "--outstanding",
        action="store_true",
        help="督促する課（未回収・期限切れ）だけをタブ区切りで表示します",
    )
    p.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        help="督促する課の一覧を CSV（UTF-8 BOM付き、Excel で開けます）に保存します",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk
    from ..services.exchange import all_plans_status, collection_status

    if args.all_plans and args.plan:
        raise plan_option.UnknownPlan("--plan と --all-plans は一緒に指定できません")
    with Desk.open(db_path, create=False) as desk:
        plan_option.use(desk, args)
        role = desk.role
        if role is None or not role.is_secretariat:
            raise PermissionDenied("回収状況は事務局のデータベースで確認します")
        if args.outstanding or args.csv:
            if args.all_plans:
                return _reminders(all_plans_status(desk), args.csv)
            return _reminders([(desk.plan, collection_status(desk))], args.csv)
        if not args.all_plans:
            _print_plan(collection_status(desk))
            return 0
        blocks = all_plans_status(desk)
    total = done = 0
    for plan, rows in blocks:
        print(f"■ {plan.name}（{plan.code}）")
        _print_plan(rows)
        total += len(rows)
        done += sum(1 for s in rows if s.returned_at)
    print(f"全計画 回収 {done} / {total}（課・計画）")
    return 0


def _print_plan(rows: list[DepartmentStatus]) -> None:
    done = sum(1 for s in rows if s.returned_at)
    print(f"回収 {done} / {len(rows)} 課")
    width = max((len(s.department) for s in rows), default=0)
    for s in rows:
        line = f"{s.department.ljust(width, '　')}  {s.state:<4}  配布 {short_time(s.issued_at) or '－':<16}"
        if s.returned_at:
            line += f"  回収 {short_time(s.returned_at)}（{s.returned_file}）"
        if s.open_conflicts:
            line += f"  未解決の競合 {len(s.open_conflicts)}件"
            invalid = sum(1 for c in s.open_conflicts if c.invalid)
            if invalid:
                line += f"（うち不正な値 {invalid}件）"
        if s.deadline:
            line += f"  回収期限 {deadline_label(s.deadline)}"
        if s.overdue:
            line += "  【期限切れ】"
        print(line.rstrip())
        for c in s.open_conflicts:  # the ID `resolve` takes
            print(f"    {'不正な値' if c.invalid else '競合'} {c.id}  {c.what}")


def _reminders(blocks, csv_path: Path | None) -> int:
    from ..services.exchange import reminder_rows, write_reminder_csv
    from ..services.exchange.reminders import as_text

    rows = reminder_rows(blocks)
    if csv_path is None:
        print(as_text(rows, "\t", "\n"), end="")
        return 0
    out = write_reminder_csv(csv_path, rows)
    print(f"{out}: 督促する課 {len(rows)}件を保存しました")
    return 0
