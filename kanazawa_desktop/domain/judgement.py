"""判定: whether an indicator reached its targets in a fiscal year, derived, never stored.

    judge(indicator, 2024, actuals={2024: 98.4}, figures={2024: 93.1})

達成 when every target that judges the year is met; 未達成 when one is missed; 判定不可 when
the year has no target, the target is still to be set, an outside figure or a base value is
missing, or a target due later is not reached yet; 未入力 when the year's actual is missing.
The verdict is shown beside the 計画達成状況 a person chose (`disagrees`), never instead of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .fiscal import long_label
from .indicator import (
    Better,
    Change,
    EndValue,
    Indicator,
    Limit,
    OutsideLimit,
    PeriodSum,
    Target,
    ToBeSet,
    YearValue,
    era_label,
    exact,
    number_text,
)
from .model import Measure
from .status import Status


class Verdict(StrEnum):
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    UNDECIDABLE = "undecidable"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Verdict.ACHIEVED: "達成",
    Verdict.NOT_ACHIEVED: "未達成",
    Verdict.UNDECIDABLE: "判定不可",
    Verdict.MISSING: "未入力",
}


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reason: str = ""  # Japanese, for 判定不可 and 未達成

    @property
    def label(self) -> str:
        return self.verdict.label


def judge(
    ind: Indicator,
    year: int,
    actuals: Mapping[int, float | None],
    figures: Mapping[int, float | None] | None = None,
) -> Judgement:
    """The verdict of `year`. `actuals` are the indicator's values per fiscal year; `figures`
    the outside figure (中核市平均) per year, for OutsideLimit targets."""
    targets = ind.targets_for(year)
    if not targets:
        return Judgement(Verdict.UNDECIDABLE, f"{long_label(year)}の目標はありません")
    unset = [t for t in targets if isinstance(t, ToBeSet)]
    if len(unset) == len(targets):
        return Judgement(Verdict.UNDECIDABLE, unset[0].describe(ind.unit))
    actual = actuals.get(year)
    if actual is None:
        return Judgement(Verdict.MISSING)
    verdicts = [
        _one(ind, t, year, actuals, figures or {}) for t in targets if not isinstance(t, ToBeSet)
    ]
    missed = [j for j in verdicts if j.verdict is Verdict.NOT_ACHIEVED]
    if missed:
        return Judgement(Verdict.NOT_ACHIEVED, "、".join(j.reason for j in missed if j.reason))
    open_ = [j for j in verdicts if j.verdict is not Verdict.ACHIEVED]
    if open_:
        return open_[0]
    return Judgement(Verdict.ACHIEVED)


def _one(
    ind: Indicator,
    t: Target,
    year: int,
    actuals: Mapping[int, float | None],
    figures: Mapping[int, float | None],
) -> Judgement:
    actual = actuals[year]
    assert actual is not None
    unit = ind.unit
    if isinstance(t, YearValue):
        return _met(_better(ind, actual, t.value), t.describe(unit))
    if isinstance(t, Limit):
        return _met(t.bound.holds(actual, t.value), t.describe(unit))
    if isinstance(t, OutsideLimit):
        figure = figures.get(year)
        if figure is None:
            return Judgement(Verdict.UNDECIDABLE, f"{long_label(year)}の{t.figure}が未入力です")
        return _met(
            t.bound.holds(actual, figure),
            f"{t.figure}（{number_text(figure)}{unit}）{t.bound.label}",
        )
    if isinstance(t, EndValue):
        return _due(year, t.year, _better(ind, actual, t.value), t.describe(unit))
    if isinstance(t, Change):
        base = t.base_value  # the target's own, else the plan's baseline, else an entered actual
        if base is None and ind.baseline.year == t.base_year:
            base = ind.baseline.value
        if base is None:
            base = actuals.get(t.base_year)
        if base is None:
            return Judgement(
                Verdict.UNDECIDABLE, f"基準年度（{era_label(t.base_year)}）の値がありません"
            )
        goal = t.goal(base)
        better = ind.better or (Better.MORE if t.percent >= 0 else Better.LESS)
        met = actual >= exact(goal) if better is Better.MORE else actual <= exact(goal)
        return _due(year, t.year, met, f"{t.describe(unit)}（{number_text(goal)}{unit}）")
    if isinstance(t, PeriodSum):
        missing = [y for y in range(t.first, year + 1) if actuals.get(y) is None]
        if missing:
            return Judgement(
                Verdict.UNDECIDABLE,
                f"{long_label(missing[0])}の実績が未入力のため期間合計を出せません",
            )
        total = sum(float(actuals[y] or 0) for y in range(t.first, year + 1))
        return _due(year, t.last, _better(ind, total, t.value), t.describe(unit))
    raise TypeError(f"unknown target kind: {t!r}")


def _better(ind: Indicator, actual: float, goal: float) -> bool:
    a, g = exact(actual), exact(goal)
    return a >= g if ind.better is Better.MORE else a <= g


def _met(met: bool, target_text: str) -> Judgement:
    return (
        Judgement(Verdict.ACHIEVED)
        if met
        else Judgement(Verdict.NOT_ACHIEVED, f"目標 {target_text}")
    )


def _due(year: int, due: int, met: bool, target_text: str) -> Judgement:
    """A target due at the end of `due`: met early counts; missed before it is not judged yet."""
    if met:
        return Judgement(Verdict.ACHIEVED)
    if year < due:
        return Judgement(Verdict.UNDECIDABLE, f"目標年度（{long_label(due)}）前です")
    return Judgement(Verdict.NOT_ACHIEVED, f"目標 {target_text}")


def judge_all(
    indicators: list[Indicator],
    year: int,
    actuals: Mapping[str, Mapping[int, float | None]],
    figures: Mapping[str, Mapping[int, float | None]] | None = None,
) -> Judgement:
    """One verdict for several indicators of a measure (No.86's five): 達成 only when all are."""
    if not indicators:
        return Judgement(Verdict.UNDECIDABLE, "指標がありません")
    js = [judge(i, year, actuals.get(i.key, {}), (figures or {}).get(i.key)) for i in indicators]
    for v in (Verdict.NOT_ACHIEVED, Verdict.MISSING, Verdict.UNDECIDABLE):
        hits = [j for j in js if j.verdict is v]
        if hits:
            return Judgement(v, "、".join(j.reason for j in hits if j.reason))
    return Judgement(Verdict.ACHIEVED)


def disagrees(judgement: Judgement, chosen: Status) -> bool:
    """The warning beside 計画達成状況: the person chose 達成/未達成 and the numbers say the other."""
    if chosen is Status.PENDING or judgement.verdict not in (
        Verdict.ACHIEVED,
        Verdict.NOT_ACHIEVED,
    ):
        return False
    return (judgement.verdict is Verdict.ACHIEVED) != (chosen is Status.ACHIEVED)


def of_indicator(measure: Measure, ind: Indicator, year: int) -> Judgement:
    """The verdict of one of `measure`'s indicators in `year`, from the values it holds."""
    return judge(ind, year, measure.actuals.get(ind.key, {}), measure.figures.get(ind.key, {}))


def of_measure(measure: Measure, year: int) -> Judgement | None:
    """The verdict of all of `measure`'s indicators in `year`; None for a measure without any."""
    if not measure.indicators:
        return None
    return judge_all(list(measure.indicators), year, measure.actuals, measure.figures)
