"""The indicators of a plan as rows: one per indicator and fiscal year, with the target, the
actual and the judgement (the `indicators` command; the 見える化 page and open data reuse it).

    rows = indicator_rows(desk, plan="gyosei_keiei", department="財政課")

Rows come in printed order: first the indicators no measure owns (a 基本目標's 数値目標, the
plan's own KPIs; services.plan_indicators), then each measure with its indicators as defined,
each indicator over the plan's years. `owner` says whose it is: 'No.86', '基本目標1', '計画全体'.
Retired measures and 【再掲】 rows are left out (a re-listing holds no indicator of its own);
with `department`, so are the plan's own indicators (no department holds them).
An unknown plan code or department raises InvalidValue naming the valid ones, before
anything is read. Values stay values (numbers, years, a Verdict): formatting is the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..domain import judgement
from ..domain.errors import InvalidValue
from ..domain.indicator import Baseline, Indicator
from ..domain.judgement import Judgement
from ..domain.model import Measure
from ..domain.plans import find_plan
from ..domain.status import Status
from ..store import repository as repo
from .plan_indicators import PlanIndicator, plan_indicators

if TYPE_CHECKING:
    from .desk import Desk


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator in one fiscal year of the plan."""

    measure_id: int
    measure_label: str  # 'No.86'
    key: str  # 'No.86-1'
    name: str
    unit: str
    baseline: Baseline
    fy: int
    target: str  # Indicator.target_text(fy): '10%未満', '' when the year has none
    actual: float | None
    figure: float | None  # the outside figure (中核市平均) of the year, where one is compared
    judgement: Judgement
    status: Status  # the 計画達成状況 a person chose for the measure's year (未確定: no measure)
    owner: str = ""  # 'No.86'; '基本目標1' or '計画全体' for an indicator no measure owns

    @property
    def disagrees(self) -> bool:
        """The chosen status says the opposite of this indicator's verdict."""
        return judgement.disagrees(self.judgement, self.status)


def indicator_rows(
    desk: Desk, *, plan: str | None = None, department: str | None = None
) -> list[IndicatorRow]:
    """Every indicator of the plan (`plan`: its code or a part of its name only it has;
    None: the desk's plan) per fiscal year, narrowed to the measures `department` holds (a
    joint measure belongs to each)."""
    chosen = desk.plan if plan is None else find_plan(desk.plans(), plan)
    if department is not None:
        known = desk.departments()
        if department not in known:
            raise InvalidValue(
                f"担当課「{department}」はありません。次のいずれかを指定してください: "
                + "、".join(known),
                department=department,
            )
    out: list[IndicatorRow] = []
    if department is None:
        for group in plan_indicators(desk, chosen):
            for item in group.items:
                out += [_owned_row(item, fy) for fy in chosen.years]
    for m in repo.all_measures(chosen.id, department):
        if m.retired or m.is_repeat:
            continue
        for ind in m.indicators:
            out += [_row(m, ind, fy) for fy in chosen.years]
    return out


def _row(m: Measure, ind: Indicator, fy: int) -> IndicatorRow:
    return IndicatorRow(
        measure_id=m.id,
        measure_label=m.number_label,
        key=ind.key,
        name=ind.name,
        unit=ind.unit,
        baseline=ind.baseline,
        fy=fy,
        target=ind.target_text(fy),
        actual=m.actuals.get(ind.key, {}).get(fy),
        figure=m.figures.get(ind.key, {}).get(fy) if ind.figure_name else None,
        judgement=judgement.of_indicator(m, ind, fy),
        status=m.year(fy).status,
        owner=m.number_label,
    )


def _owned_row(item: PlanIndicator, fy: int) -> IndicatorRow:
    ind = item.indicator
    return IndicatorRow(
        measure_id=0,
        measure_label="",
        key=ind.key,
        name=ind.name,
        unit=ind.unit,
        baseline=ind.baseline,
        fy=fy,
        target=ind.target_text(fy),
        actual=item.actuals.get(fy),
        figure=item.figures.get(fy) if ind.figure_name else None,
        judgement=item.judgement(fy),
        status=Status.PENDING,
        owner=item.owner,
    )
