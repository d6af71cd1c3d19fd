"""`print`: the 取組管理票 (and/or the 取組事項一覧) of the chosen measures into one PDF.

    kanazawa-desktop --db PATH print OUT.pdf [--measure N ...] [--department NAME]
                     [--policy N] [--list | --list-only]
    kanazawa-desktop --db PATH print OUT.pdf --report [--plan KEY] [--year R8] [--2up]

`--report`: the briefing book (表紙, 目次, 概要, 指標, then every 取組管理票; services.report).
`--2up`: two 取組管理票 on one A4 landscape page. No window opens (Qt runs offscreen when
there is no display). Bad input is one Japanese line on stderr, exit 1 (2 for an unknown
plan or a year that is not one, or outside the plan), and no file.
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
    which.add_argument(
        "--report", action="store_true", help="報告書（表紙・目次・概要・指標の判定・管理票）"
    )
    p.add_argument("--year", metavar="R8", help="報告書の年度（省略時は今年度）")
    p.add_argument("--2up", dest="two_up", action="store_true", help="管理票を2枚ずつA4横に")
    plan_option.add(p)
    p.set_defaults(func=run)


def _year(desk, text: str | None) -> int | None:
    """The report's year: None for the current one; UnknownPlan (exit 2) when `text` is not
    a fiscal year of the plan."""
    from ..domain.fiscal import long_label, parse_year

    if text is None:
        return None
    years = desk.plan.years
    span = f"{long_label(years[0])}〜{long_label(years[-1])}"
    try:
        fy = parse_year(text)
    except ValueError:
        raise plan_option.UnknownPlan(
            f"年度ではありません: {text}（R8、令和8年度、2026 のように指定してください）"
        ) from None
    if fy not in years:
        raise plan_option.UnknownPlan(f"{long_label(fy)}は計画の期間（{span}）の外です")
    return fy


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk
    from ..services.printing import print_pdf

    with Desk.open(db_path, create=False) as desk:
        plan_option.use(desk, args)
        if args.year is not None and not args.report:
            raise plan_option.UnknownPlan("--year は --report と一緒に指定してください")
        if args.report or args.two_up:
            if args.report and (args.measure or args.department or args.policy):
                raise plan_option.UnknownPlan(
                    "--report は計画全体の報告書です（--measure・--department・--policy とは"
                    "一緒に指定できません）"
                )
            return _report(desk, args)
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


def _report(desk, args: argparse.Namespace) -> int:
    from ..services.printing import build_job, write_job
    from ..services.report import build_report_job

    if args.report:
        job = build_report_job(desk, year=_year(desk, args.year), two_up=args.two_up)
    else:  # --2up alone: the chosen sheets, two to a page
        import dataclasses

        job = dataclasses.replace(
            build_job(
                desk,
                numbers=args.measure,
                department=args.department,
                policy=args.policy,
                sheets=not args.list_only,
                listing=args.list or args.list_only,
            ),
            two_up=True,
        )
    result = write_job(job, args.out)
    print(
        f"{result.path}: {result.pages} ページ（{desk.plan.item} {result.measures} 件）"
        "を出力しました"
    )
    return 0
