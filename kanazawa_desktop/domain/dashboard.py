"""見える化: the plain data the dashboard's charts draw, and its tables (services.dashboard
computes it from the database; the window and, later, the printed report draw it).

A `Bar` is one group (全体 or a level-1 node) in one fiscal year, stacked from `Segment`s
that keep what they count (`refs`: measure ids, or indexes into Dashboard.indicators or
Dashboard.collected, by `what`) so a click on one can list the measures behind it. Each
part gives itself as a `Table` (title, header, rows of strings) for 「表としてコピー」 and CSV.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from . import judgement as J
from .fiscal import short_label
from .indicator import (
    Baseline,
    Bound,
    Change,
    EndValue,
    Indicator,
    Limit,
    OutsideLimit,
    YearValue,
    number_text,
)
from .judgement import Verdict
from .status import Status

OVERALL = "全体"
UNASSIGNED = "（担当課未設定）"
MEASURE, INDICATOR, DEPARTMENT = "measure", "indicator", "department"
STATUS_ORDER = (Status.ACHIEVED, Status.NOT_ACHIEVED, Status.PENDING)
VERDICT_ORDER = (Verdict.ACHIEVED, Verdict.NOT_ACHIEVED, Verdict.MISSING, Verdict.UNDECIDABLE)
# 回収状況 as services.exchange.status words it, in the strip's order
COLLECTION_ORDER = ("回収済", "競合あり", "未回収", "未配布")


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar: a category, its count, and what it counts (`refs`: measure
    ids, indexes into Dashboard.indicators, or into Dashboard.departments, by `what`)."""

    key: str  # Status / Verdict value, or the 回収状況 word
    label: str  # 達成
    refs: tuple[int, ...] = ()
    what: str = MEASURE

    @property
    def count(self) -> int:
        return len(self.refs)


@dataclass(frozen=True)
class Bar:
    """A stacked bar: one group (全体, 方針1) in one fiscal year."""

    group: str
    fy: int
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        return sum(s.count for s in self.segments)

    def count(self, key: str) -> int:
        return next((s.count for s in self.segments if s.key == key), 0)

    @property
    def rate(self) -> float | None:
        """達成 / (達成 + 未達成); None when neither was chosen (or judged) yet."""
        done = self.count(Status.ACHIEVED.value)
        decided = done + self.count(Status.NOT_ACHIEVED.value)
        return done / decided if decided else None


@dataclass(frozen=True)
class Group:
    """全体 or one level-1 node, with a bar per fiscal year."""

    label: str  # 全体 / 方針1
    title: str  # the node's title ('' for 全体)
    bars: dict[int, Bar]


@dataclass(frozen=True)
class DepartmentLoad:
    department: str
    held: int  # measures it holds (a joint measure counts for each of its departments)
    to_write: tuple[int, ...]  # ids of those whose 実施結果 of the year is still empty


@dataclass(frozen=True)
class TargetShape:
    """How one target is drawn: 'line' (a value per year), 'band' (a bound over years: the
    good side is `side` 'above' or 'below' `points`), 'point' (a value to reach by a year),
    'note' (not a number of a year: a sum, a target to be set; `text` only)."""

    kind: str
    points: tuple[tuple[int, float], ...]
    text: str
    side: str = ""


@dataclass(frozen=True)
class IndicatorView:
    """One indicator over the plan's years: what its chart draws. The target shapes are
    worked out when a chart first asks (a city has thousands of indicators; one is drawn)."""

    indicator: Indicator
    owner: str  # 'No.86', '基本目標1', '計画全体'
    measure_id: int | None
    group: str  # the level-1 node's label it counts under, '' for a plan-level KPI
    years: tuple[int, ...]
    actuals: dict[int, float]
    figures: dict[int, float]  # an outside figure (中核市平均) per year, where one is compared
    verdicts: dict[int, J.Judgement]

    @property
    def key(self) -> str:
        return self.indicator.key

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def baseline(self) -> Baseline:
        return self.indicator.baseline

    @property
    def label(self) -> str:
        return f"{self.key} {self.name}"

    @cached_property
    def targets(self) -> tuple[TargetShape, ...]:
        return target_shapes(self.indicator, self.years, self.actuals, self.figures)


@dataclass(frozen=True)
class Table:
    """Numbers behind a chart: a title, a header and rows of strings."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def lines(self) -> list[list[str]]:
        return [list(self.header), *(list(r) for r in self.rows)]


@dataclass(frozen=True)
class Item:
    """One thing a segment stands for, as a list shows it; `measure_id` opens it."""

    label: str
    measure_id: int | None


@dataclass(frozen=True)
class Dashboard:
    plan_name: str
    level: str  # the plan's first level's name: 方針 / 基本目標 / 基本方針
    item: str  # what the plan calls a measure: 取組 / 施策
    years: tuple[int, ...]
    current_fy: int
    status: tuple[Group, ...]  # 全体 first, then each level-1 node
    verdicts: tuple[Group, ...]
    indicators: tuple[IndicatorView, ...]
    departments: tuple[DepartmentLoad, ...]  # most results to write first
    collection: Bar | None  # 回収状況 (secretariat), fy = the current fiscal year
    names: dict[int, str] = field(default_factory=dict)  # measure id -> 'No.12 名称'
    collected: tuple[str, ...] = ()  # the departments the 回収状況 segments' refs index

    def items(self, segment: Segment) -> list[Item]:
        """What a segment stands for, in printed order."""
        if segment.what == INDICATOR:
            return [
                Item(f"{v.label}（{v.owner}）", v.measure_id)
                for v in (self.indicators[i] for i in segment.refs)
            ]
        if segment.what == DEPARTMENT:
            return [Item(self.collected[i], None) for i in segment.refs]
        return [Item(self.names.get(mid, str(mid)), mid) for mid in segment.refs]

    def tables(self) -> list[Table]:
        """The numbers behind every chart, in the tab's order."""
        out = [
            _bars_table(f"計画達成状況（{self.level}別・年度別）", self.level, self.status, True),
            _bars_table(f"指標の判定（{self.level}別・年度別）", self.level, self.verdicts, False),
            Table(
                f"担当課別 {short_label(self.current_fy)}の実施結果の未入力",
                ("担当課", f"担当する{self.item}", "実施結果の未入力"),
                tuple((d.department, str(d.held), str(len(d.to_write))) for d in self.departments),
            ),
        ]
        if self.collection is not None:
            out.append(
                Table(
                    "回収状況",
                    ("状況", "担当課数"),
                    tuple((s.label, str(s.count)) for s in self.collection.segments),
                )
            )
        return out

    def indicator_table(self, view: IndicatorView) -> Table:
        """One indicator's chart as a table: per year its target, actual and verdict."""
        rows = []
        for fy in self.years:
            actual = view.actuals.get(fy)
            rows.append(
                (
                    short_label(fy),
                    "、".join(_targets_of(view, fy)),
                    "" if actual is None else number_text(actual),
                    view.verdicts[fy].label if fy in view.verdicts else "",
                )
            )
        return Table(
            f"{view.label}（{view.unit}）" if view.unit else view.label,
            ("年度", "目標", "実績値", "判定"),
            tuple(rows),
        )


def _targets_of(view: IndicatorView, fy: int) -> list[str]:
    """The texts of the targets drawn at `fy` (a note: every year)."""
    out: list[str] = []
    for t in view.targets:
        span = t.points and t.points[0][0] <= fy <= t.points[-1][0]
        if t.kind == "note" or (t.kind == "band" and span) or any(y == fy for y, _ in t.points):
            if t.text not in out:
                out.append(t.text)
    return out


def _bars_table(title: str, level: str, groups: Iterable[Group], rate: bool) -> Table:
    rows: list[tuple[str, ...]] = []
    header: tuple[str, ...] = ()
    for g in groups:
        for fy, bar in g.bars.items():
            labels = tuple(s.label for s in bar.segments)
            header = (level, "年度", *labels, "計") + (("達成率",) if rate else ())
            row = (g.label, short_label(fy), *(str(s.count) for s in bar.segments), str(bar.total))
            if rate:
                r = bar.rate
                row += ("" if r is None else f"{r * 100:.1f}%",)
            rows.append(row)
    return Table(title, header, tuple(rows))


def tsv(tables: Iterable[Table]) -> str:
    """Tables for the clipboard: each its title line, its header, its rows, tab-separated;
    a blank line between tables (a spreadsheet pastes them one under another)."""
    blocks = []
    for t in tables:
        lines = [t.title, *("\t".join(_cell(c) for c in row) for row in t.lines())]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split())  # a tab or line break inside a cell would split it


_GOOD_SIDE = {
    Bound.AT_LEAST: "above",
    Bound.OVER: "above",
    Bound.AT_MOST: "below",
    Bound.UNDER: "below",
}


def target_shapes(
    ind: Indicator,
    years: tuple[int, ...],
    actuals: dict[int, float] | None = None,
    figures: dict[int, float] | None = None,
) -> tuple[TargetShape, ...]:
    """How each of the indicator's targets is drawn over the plan's `years`: the yearly values
    (YearValue) joined as one line; a bound (Limit) as a band over its years; a value to reach
    by a year (EndValue; Change, its goal worked out from the base) as a point, also after
    the plan's last year; a bound against an outside figure as a band along the figures
    entered; anything else (a period sum, a target to be set) as a note."""
    unit = ind.unit
    out: list[TargetShape] = []
    yearly = sorted((t.year, t.value) for t in ind.targets if isinstance(t, YearValue))
    if yearly:
        text = "、".join(f"{short_label(y)} {number_text(v)}{unit}" for y, v in yearly)
        out.append(TargetShape("line", tuple(yearly), text))
    for t in ind.targets:
        if isinstance(t, YearValue):
            continue
        if isinstance(t, Limit):
            span = [y for y in t.years() if y in years] or list(t.years())
            out.append(
                TargetShape(
                    "band",
                    ((span[0], t.value), (span[-1], t.value)),
                    t.describe(unit),
                    _GOOD_SIDE[t.bound],
                )
            )
        elif isinstance(t, OutsideLimit):
            pts = tuple(
                (y, v) for y, v in sorted((figures or {}).items()) if t.first <= y <= t.last
            )
            out.append(TargetShape("band", pts, t.describe(unit), _GOOD_SIDE[t.bound]))
        elif isinstance(t, EndValue):
            out.append(TargetShape("point", ((t.year, t.value),), t.describe(unit)))
        elif isinstance(t, Change):
            base = t.base_value
            if base is None and ind.baseline.year == t.base_year:
                base = ind.baseline.value
            if base is None:
                base = (actuals or {}).get(t.base_year)
            if base is None:
                out.append(TargetShape("note", (), t.describe(unit)))
            else:
                out.append(TargetShape("point", ((t.year, t.goal(base)),), t.describe(unit)))
        else:
            out.append(TargetShape("note", (), t.describe(unit)))
    return tuple(out)
