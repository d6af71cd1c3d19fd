"""Indicators (数値目標, KPI): what is measured, from where, and what counts as reaching it.

An indicator belongs to one owner (a measure, a node of a plan's hierarchy, a goal, or the
plan) and may be shown in several places; it is one series with one set of actuals. Its
targets are of the kinds the plans state:

    YearValue(2023, 70)                        開発アプリ数 70件 (R5)
    EndValue(2027, 146000)                     146,000世帯（令和9年度末まで）
    Limit(Bound.UNDER, 10, 2023, 2026)         実質公債費比率 10%未満 (each year)
    Limit(Bound.AT_LEAST, 1000, 2024, 2028, maintain=True)   1,000人以上を維持（R6～R10）
    PeriodSum(5000, 2024, 2028)                期間合計 5,000人
    Change(2013, -40, 2025)                    H25比40%減（令和7年度末まで）
    Change(2022, 10, 2028, absolute=10000)     10%増（1万件増）
    OutsideLimit(Bound.AT_MOST, "中核市平均", 2023, 2026)   経常収支比率 中核市平均以下
    ToBeSet("次期計画で設定", 2025, 2026)      新たな目標の設定

Judgement (domain.judgement) reads them; nothing here touches storage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from .fiscal import long_label, parse_label


class Better(StrEnum):
    """Which way is better, where a target's kind does not say it itself."""

    MORE = "more"
    LESS = "less"

    @property
    def label(self) -> str:
        return "増加" if self is Better.MORE else "減少"


class Bound(StrEnum):
    AT_LEAST = "at_least"  # 以上
    AT_MOST = "at_most"  # 以下
    UNDER = "under"  # 未満
    OVER = "over"  # 超

    @property
    def label(self) -> str:
        return _BOUND_LABELS[self]

    def holds(self, actual: float, limit: float) -> bool:
        a, v = exact(actual), exact(limit)
        if self is Bound.AT_LEAST:
            return a >= v
        if self is Bound.AT_MOST:
            return a <= v
        if self is Bound.UNDER:
            return a < v
        return a > v


# The columns every table of indicator rows starts with (the workbook's 指標 sheet, the
# `indicators` command): one per indicator and fiscal year; each table adds its own last column.
INDICATOR_COLUMNS = (
    "番号",
    "指標名",
    "単位",
    "基準値",
    "基準年度",
    "年度",
    "目標値",
    "実績値",
    "判定",
)

_BOUND_LABELS = {
    Bound.AT_LEAST: "以上",
    Bound.AT_MOST: "以下",
    Bound.UNDER: "未満",
    Bound.OVER: "超",
}


def exact(x: float) -> float:
    """Rounded to 12 significant digits: 98.45 typed and 0.9845*100 read compare equal."""
    return float(f"{x:.12g}")


class OwnerKind(StrEnum):
    MEASURE = "measure"
    NODE = "node"
    GOAL = "goal"
    PLAN = "plan"


@dataclass(frozen=True)
class Baseline:
    """基準値: a value in a year, or only "starts in year X" (「R5年度開始」)."""

    value: float | None = None
    year: int | None = None
    cumulative: bool = False  # 「R4年度までの累計」
    starts: int | None = None

    def describe(self, unit: str) -> str:
        if self.starts is not None and self.value is None:
            return f"{long_label(self.starts)}開始"
        if self.value is None:
            return ""
        text = f"{number_text(self.value)}{unit}"
        if self.year is not None:
            text += f"（{long_label(self.year)}{'までの累計' if self.cumulative else ''}）"
        return text


# ---- target kinds --------------------------------------------------------------------------


@dataclass(frozen=True)
class YearValue:
    """A value for one year, met in the indicator's better direction."""

    year: int
    value: float

    def years(self) -> range:
        return range(self.year, self.year + 1)

    def describe(self, unit: str) -> str:
        return f"{number_text(self.value)}{unit}"


@dataclass(frozen=True)
class EndValue:
    """A value to reach by the end of a year, which may lie after the plan's last year."""

    year: int
    value: float

    def years(self) -> range:
        return range(self.year, self.year + 1)

    def describe(self, unit: str) -> str:
        return f"{number_text(self.value)}{unit}（{long_label(self.year)}末まで）"


@dataclass(frozen=True)
class Limit:
    """A bound for every year of a span; `maintain` words it as keeping a level."""

    bound: Bound
    value: float
    first: int
    last: int
    maintain: bool = False

    def years(self) -> range:
        return range(self.first, self.last + 1)

    def describe(self, unit: str) -> str:
        text = f"{number_text(self.value)}{unit}{self.bound.label}"
        return text + "を維持" if self.maintain else text


@dataclass(frozen=True)
class PeriodSum:
    """The actuals of a span added up reach a value (期間合計)."""

    value: float
    first: int
    last: int

    def years(self) -> range:
        return range(self.first, self.last + 1)

    def describe(self, unit: str) -> str:
        return f"{_span(self.first, self.last)}の合計 {number_text(self.value)}{unit}"


@dataclass(frozen=True)
class Change:
    """A change of `percent` (signed: −40 = 40%減) against the value of `base_year`, by the end
    of `year`; `absolute` is the source's own equivalent (「10%増（1万件増）」)."""

    base_year: int
    percent: float
    year: int
    base_value: float | None = None
    absolute: float | None = None

    def years(self) -> range:
        return range(self.year, self.year + 1)

    def describe(self, unit: str) -> str:
        word = "増" if self.percent >= 0 else "減"
        text = f"{era_label(self.base_year)}比{number_text(abs(self.percent))}%{word}"
        if self.absolute is not None:
            text += f"（{number_text(abs(self.absolute))}{unit}{word}）"
        return text

    def goal(self, base: float) -> float:
        if self.absolute is not None:
            return base + self.absolute
        return base * (1 + self.percent / 100)


@dataclass(frozen=True)
class OutsideLimit:
    """A bound against a figure from outside (中核市平均), entered per year."""

    bound: Bound
    figure: str
    first: int
    last: int

    def years(self) -> range:
        return range(self.first, self.last + 1)

    def describe(self, unit: str) -> str:
        return f"{self.figure}{self.bound.label}"


@dataclass(frozen=True)
class ToBeSet:
    """The source says a target will be set later (再設定, 新たな目標の設定)."""

    reason: str
    first: int
    last: int

    def years(self) -> range:
        return range(self.first, self.last + 1)

    def describe(self, unit: str) -> str:
        return f"目標は設定予定（{self.reason}）" if self.reason else "目標は設定予定"


Target = YearValue | EndValue | Limit | PeriodSum | Change | OutsideLimit | ToBeSet
TARGET_KINDS: tuple[type, ...] = (
    YearValue,
    EndValue,
    Limit,
    PeriodSum,
    Change,
    OutsideLimit,
    ToBeSet,
)


@dataclass(frozen=True)
class Indicator:
    key: str  # stable within its plan ("No.86-1", "KPI-1-2-3")
    name: str
    unit: str
    owner_kind: OwnerKind = OwnerKind.MEASURE
    owner_key: str = ""
    better: Better | None = None
    baseline: Baseline = field(default_factory=Baseline)
    targets: tuple[Target, ...] = ()
    category: str = ""  # the category of a split series (1歳児, 2歳児)
    series: str = ""  # the split series it belongs to (保育利用率)
    note: str = ""  # hand decisions on the source, in Japanese

    def __post_init__(self) -> None:
        needs_direction = [
            t for t in self.targets if isinstance(t, YearValue | EndValue | PeriodSum)
        ]
        if needs_direction and self.better is None:
            raise ValueError(f"{self.key}: a target without a bound needs a direction")

    def targets_for(self, year: int) -> list[Target]:
        """The targets that judge `year` (an EndValue or Change also judges the years before
        its own, where reaching it early counts)."""
        # kept per year on the (frozen, shared: store/repository._definition) instance: the
        # 見える化 judges 20,000 indicators a year at a time and this was half of it
        kept: dict[int, tuple[Target, ...]] | None = self.__dict__.get("_by_year")
        if kept is None:
            kept = {}
            object.__setattr__(self, "_by_year", kept)
        found = kept.get(year)
        if found is None:
            found = kept[year] = tuple(
                t
                for t in self.targets
                if (year <= t.year if isinstance(t, EndValue | Change) else year in t.years())
            )
        return list(found)

    def target_text(self, year: int) -> str:
        return "、".join(t.describe(self.unit) for t in self.targets_for(year))

    @property
    def figure_name(self) -> str:
        """The outside figure an OutsideLimit target compares with (中核市平均), or ""."""
        return next((t.figure for t in self.targets if isinstance(t, OutsideLimit)), "")

    def year_target(self, year: int) -> float | None:
        """The one number the 入力 sheet's 目標値 shows for `year`: a value or bound stated for
        that very year (an end value in its own year); None where the target is not a number
        of that year (a change, a sum, an outside figure, to be set)."""
        for t in self.targets:
            if isinstance(t, YearValue | EndValue) and t.year == year:
                return t.value
            if isinstance(t, Limit) and year in t.years():
                return t.value
        return None


def number_text(value: float) -> str:
    """146000 -> '146,000', 98.45 -> '98.45', 0.1 + 0.2 -> '0.3'."""
    v = exact(value)
    if v.is_integer():
        return f"{int(v):,}"
    whole, _, frac = f"{v:.12g}".partition(".")
    return f"{int(whole):,}.{frac}" if whole.lstrip("-").isdigit() else f"{v:.12g}"


def _span(first: int, last: int) -> str:
    return long_label(first) if first == last else f"{long_label(first)}～{long_label(last)}"


def era_label(year: int) -> str:
    """2013 -> 'H25', 2023 -> 'R5' (how the plans name a base year)."""
    return f"R{year - 2018}" if year >= 2019 else f"H{year - 1988}"


# ---- plain data (the bundled plans, the database, the workbook's manifest) ----------------

_KIND_NAMES: dict[type, str] = {
    YearValue: "year",
    EndValue: "end",
    Limit: "limit",
    PeriodSum: "sum",
    Change: "change",
    OutsideLimit: "outside",
    ToBeSet: "to_be_set",
}
_KINDS = {name: cls for cls, name in _KIND_NAMES.items()}


def target_to_dict(t: Target) -> dict[str, object]:
    out: dict[str, object] = {"kind": _KIND_NAMES[type(t)]}
    for name, value in t.__dict__.items():
        out[name] = value.value if isinstance(value, StrEnum) else value
    return out


def target_from_dict(d: dict[str, object]) -> Target:
    """Strict: an unknown kind or field, or a value of the wrong type, is a ValueError."""
    data = dict(d)
    cls = _KINDS.get(str(data.pop("kind", "")))
    if cls is None:
        raise ValueError(f"unknown target kind: {d.get('kind')!r}")
    if "bound" in data:
        data["bound"] = Bound(str(data["bound"]))
    try:
        t: Target = cls(**data)
    except TypeError as e:
        raise ValueError(f"bad target {d!r}: {e}") from None
    for name, value in t.__dict__.items():
        _check_field(name, value)
    return t


_INTS = {"year", "first", "last", "base_year"}
_NUMBERS = {"value", "percent", "base_value", "absolute"}


def _check_field(name: str, value: object) -> None:
    if name in _INTS and (type(value) is not int or not 1900 <= value <= 2200):
        raise ValueError(f"{name} is not a year: {value!r}")
    if (
        name in _NUMBERS
        and value is not None
        and (isinstance(value, bool) or not isinstance(value, int | float))
    ):
        raise ValueError(f"{name} is not a number: {value!r}")
    if name in ("figure", "reason") and not isinstance(value, str):
        raise ValueError(f"{name} is not text: {value!r}")


def indicator_to_dict(ind: Indicator) -> dict[str, object]:
    return {
        "key": ind.key,
        "name": ind.name,
        "unit": ind.unit,
        "owner_kind": ind.owner_kind.value,
        "owner_key": ind.owner_key,
        "better": ind.better.value if ind.better else None,
        "baseline": dict(ind.baseline.__dict__),
        "targets": [target_to_dict(t) for t in ind.targets],
        "category": ind.category,
        "series": ind.series,
        "note": ind.note,
    }


def indicator_from_dict(d: dict[str, object]) -> Indicator:
    base = d.get("baseline") or {}
    if not isinstance(base, dict):
        raise ValueError(f"bad baseline: {base!r}")
    targets = d.get("targets") or []
    if not isinstance(targets, list):
        raise ValueError(f"bad targets: {targets!r}")
    better = d.get("better")
    if not isinstance(d.get("key"), str) or not d["key"] or not isinstance(d.get("name"), str):
        raise ValueError(f"an indicator needs a key and a name: {d!r}")
    return Indicator(
        key=str(d["key"]),
        name=str(d["name"]),
        unit=str(d.get("unit", "")),
        owner_kind=OwnerKind(str(d.get("owner_kind", "measure"))),
        owner_key=str(d.get("owner_key", "")),
        better=Better(str(better)) if better else None,
        baseline=_baseline(base),
        targets=tuple(target_from_dict(t) for t in targets),
        category=str(d.get("category", "")),
        series=str(d.get("series", "")),
        note=str(d.get("note", "")),
    )


def _baseline(d: dict[str, object]) -> Baseline:
    try:
        b = Baseline(**d)  # type: ignore[arg-type]
    except TypeError as e:
        raise ValueError(f"bad baseline {d!r}: {e}") from None
    for name in ("year", "starts"):
        if getattr(b, name) is not None:
            _check_field("year", getattr(b, name))
    _check_field("value", b.value)
    if not isinstance(b.cumulative, bool):
        raise ValueError(f"cumulative is not true/false: {b.cumulative!r}")
    return b


_LEGACY_LESS = frozenset({"decrease", "at_most"})
_LEGACY_BOUNDS = {"at_least": Bound.AT_LEAST, "at_most": Bound.AT_MOST}


def legacy_indicator(
    key: str,
    name: str,
    unit: str,
    direction: str,
    cumulative: bool,
    note: str,
    targets: dict[int, float],
) -> Indicator:
    """The indicator a schema-4 measure's columns described: a number per year, met in its
    direction (以上を維持/以下を維持 as bounds for that year)."""
    bound = _LEGACY_BOUNDS.get(direction)
    ts: list[Target] = [
        Limit(bound, t, fy, fy) if bound else YearValue(fy, t) for fy, t in sorted(targets.items())
    ]
    return Indicator(
        key=key,
        name=name,
        unit=unit,
        owner_key=key,
        better=Better.LESS if direction in _LEGACY_LESS else Better.MORE,
        baseline=Baseline(cumulative=cumulative),
        targets=tuple(ts),
        note=note,
    )


# ---- editing targets year by year (the secretariat's 指標の定義 dialog) ---------------------

_BOUND_WORDS = {b.label: b for b in Bound}


def editable_by_year(ind: Indicator) -> bool:
    """True when every target is stated year by year (a value, a bound, an outside figure's
    bound): the dialog can show and take them as one cell per year. An end value, a change, a
    sum or a target to be set is shown as it is, not edited there."""
    return all(isinstance(t, YearValue | Limit | OutsideLimit) for t in ind.targets)


def year_cell(ind: Indicator, year: int) -> str:
    """The target of `year` as one types it: 「70」, 「100以上」, 「中核市平均以下」, or ""."""
    for t in ind.targets:
        if isinstance(t, YearValue) and t.year == year:
            return number_text(t.value).replace(",", "")
        if isinstance(t, Limit) and year in t.years():
            return f"{number_text(t.value).replace(',', '')}{t.bound.label}"
        if isinstance(t, OutsideLimit) and year in t.years():
            return f"{t.figure}{t.bound.label}"
    return ""


def parse_year_cell(text: str, year: int) -> Target | None:
    """「70」 → a value for the year; 「100以上」「10未満」「0以下」「5超」 → a bound; 「中核市平均以下」
    (a name, then the bound) → a bound against that outside figure; "" → no target.
    ValueError with a Japanese reason for anything else."""
    from .achievement import parse_number

    t = " ".join(text.split())
    if not t:
        return None
    word = next((w for w in sorted(_BOUND_WORDS, key=len, reverse=True) if t.endswith(w)), "")
    head = t[: len(t) - len(word)].strip() if word else t
    try:
        number = parse_number(head)
    except ValueError:
        number = None
    if number is not None:
        if word:
            return Limit(_BOUND_WORDS[word], number, year, year)
        return YearValue(year, number)
    if word and head and not head[0].isdigit():  # a name (中核市平均), not 「70件」 with a unit
        return OutsideLimit(_BOUND_WORDS[word], head, year, year)
    raise ValueError(
        f"目標「{text}」を読めません。数値（70）、数値と以上・以下・未満・超（100以上）、"
        "または比べる数値の名前と以上・以下・未満・超（中核市平均以下）で入力してください"
    )


_HEISEI = re.compile(r"^\s*(?:[HhＨ]|平成)\s*([0-9０-９]+)\s*(?:年度?)?\s*$")


def parse_era_year(text: str) -> int | None:
    """A base year as the plans write it: 「R4」「令和4年度」「H25」「平成25年度」「2022」; "" → None;
    ValueError otherwise."""
    t = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not t:
        return None
    if t.isdigit() and len(t) == 4:
        year = int(t)
    elif m := _HEISEI.match(t):
        year = 1988 + int(m.group(1))
    else:
        try:
            year = parse_label(t)
        except ValueError:
            raise ValueError(f"年度「{text}」を読めません（R4、H25、2022 のように）") from None
    if not 1900 <= year <= 2200:
        raise ValueError(f"年度「{text}」を読めません（R4、H25、2022 のように）")
    return year
