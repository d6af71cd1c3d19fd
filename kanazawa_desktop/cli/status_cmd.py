"""`status`: 回収状況 on the secretariat's database, one line per department holding measures,
then the conflicts each return left open. Exit 0; 1 on a department's database."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..domain.display import short_time
from ..domain.errors import PermissionDenied
from . import plan_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "status", help="回収状況（担当課ごとの配布・回収・未解決の競合）を表示します"
    )
    plan_option.add(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk
    from ..services.exchange import collection_status

    with Desk.open(db_path, create=False) as desk:
        plan_option.use(desk, args)
        role = desk.role
        if role is None or not role.is_secretariat:
            raise PermissionDenied("回収状況は事務局のデータベースで確認します")
        rows = collection_status(desk)
    done = sum(1 for s in rows if s.returned_at)
    print(f"回収 {done} / {len(rows)} 課")
    width = max((len(s.department) for s in rows), default=0)
    for s in rows:
        line = f"{s.department.ljust(width, '　')}  {s.state:<4}  配布 {short_time(s.issued_at) or '－':<16}"
        if s.returned_at:
            line += f"  回収 {short_time(s.returned_at)}（{s.returned_file}）"
        if s.open_conflicts:
            line += f"  未解決の競合 {len(s.open_conflicts)}件"
        print(line.rstrip())
        for c in s.open_conflicts:
            print(f"    競合  {c.get('what', '')}")
    return 0
