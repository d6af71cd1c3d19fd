"""The printed report (報告書, a briefing book): a PrintJob with a cover, 目次 and summary.

    job = build_report_job(desk, year=2026, two_up=False)
    write_job(job, "report.pdf", progress=p)            # services.printing

The numbers are services.dashboard's for `year` (default: the current fiscal year, within
the plan's years; another year outside the plan is InvalidValue): the measures' 計画達成状況
and the indicators' 判定 per level-1 node, and every indicator's target, actual and 判定.
Then every measure's 取組管理票 (retired ones left out), two to a landscape page with
`two_up`. The date on the cover and in the footers is in 和暦.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from ..domain.dashboard import IndicatorView
from ..domain.fiscal import current_fiscal_year, era_date, long_label
from ..domain.indicator import number_text
from ..printing.job import PrintJob, Report, ReportIndicator
from .dashboard import dashboard
from .printing import build_job

if TYPE_CHECKING:
    from .desk import Desk


def report_title(plan_name: str, year: int) -> str:
    return f"{plan_name} 進捗報告書 {long_label(year)}"


def build_report_job(
    desk: Desk,
    *,
    year: int | None = None,
    two_up: bool = False,
    printed_on: date | None = None,
) -> PrintJob:
    """The whole plan's report for `year` (see the module docstring); no rendering."""
    today = printed_on or date.today()
    fy = year if year is not None else current_fiscal_year(desk.plan.years, today)
    board = dashboard(desk, today=today, year=fy)
    report = Report(
        title=report_title(desk.plan.name, fy),
        year=fy,
        dated=era_date(today.isoformat()),
        level=board.level,
        status=board.status,
        verdicts=board.verdicts,
        indicators=[_indicator(v, fy) for v in board.indicators],
    )
    job = build_job(desk, printed_on=today)
    return replace(job, report=report, two_up=two_up)


def _indicator(view: IndicatorView, fy: int) -> ReportIndicator:
    ind = view.indicator
    actual = view.actuals.get(fy)
    return ReportIndicator(
        owner=view.owner,
        name=f"{ind.name}（{ind.unit}）" if ind.unit else ind.name,
        target=ind.target_text(fy) or "－",
        actual=f"{number_text(actual)}{ind.unit}" if actual is not None else "",
        verdict=view.verdicts[fy].label,
    )
