"""Plain records of the plan: plans, hierarchy nodes, measures and their fiscal years.

These are what the store returns and what services, the workbook and printing consume.
They hold no behaviour beyond small derived properties.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fields import LABELS
from .glossary import Glossary
from .indicator import Indicator
from .status import Status

RESOURCES = ("hito", "kane", "mono", "joho")
# the text rows of the first plan's sheet under the measure's name, in printed order; a later plan
# has some of them, under its own words (Plan.rows, Plan.words)
SHEET_ROWS = ("summary", "vision", "related_plans", "resources")
RESOURCE_LABELS = {"hito": "ヒト", "kane": "カネ", "mono": "モノ", "joho": "情報"}


@dataclass(frozen=True)
class Plan:
    id: int
    code: str
    name: str
    first_fy: int
    last_fy: int
    levels: tuple[str, ...] = ("方針", "項目", "小項目")
    item: str = "取組"  # what the plan calls one reporting unit
    rows: tuple[str, ...] = SHEET_ROWS  # which of SHEET_ROWS the plan's sheet has
    words: tuple[tuple[str, str], ...] = ()  # its own names for them: (("vision", "目指すべき姿"),)
    glossary: Glossary = ()  # its 用語解説 (schema 12), printed after the 取組管理票

    @property
    def sheet_title(self) -> str:
        """取組管理票 in the plan's word for its unit: 施策管理票 (デジタル戦略)."""
        return f"{self.item}管理票"

    @property
    def list_title(self) -> str:
        """取組事項一覧 (the first plan's name for it), 施策一覧 …"""
        return "取組事項一覧" if self.item == "取組" else f"{self.item}一覧"

    def label(self, field_name: str) -> str:
        """The plan's word for a sheet row, else the first plan's (めざす姿, 関連計画 …)."""
        return dict(self.words).get(field_name) or LABELS.get(field_name, field_name)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.first_fy, self.last_fy + 1))


@dataclass(frozen=True)
class Node:
    """A level of the plan's hierarchy (方針 / 項目 / 小項目), as printed."""

    id: int
    key: str
    parent_id: int | None
    level: int
    label: str
    title: str
    position: int
    description: str = ""  # a 基本目標's or 柱's text (the later plans)

    @property
    def caption(self) -> str:
        return f"{self.label} {self.title}".strip()


@dataclass(frozen=True)
class YearRecord:
    """A fiscal year of a measure. `target` and `actual` are those of its first indicator (the
    入力 sheet's 目標値/実績値), filled in by the store; the indicators' own series are on
    the Measure."""

    fy: int
    plan_text: str = ""
    result_text: str = ""
    status: Status = Status.PENDING
    target: float | None = None
    actual: float | None = None


@dataclass(frozen=True)
class Measure:
    id: int
    key: str
    plan_id: int
    node_id: int
    number: int | None
    repeat_of: int | None
    name: str
    numeric: bool
    departments: tuple[str, ...]
    summary: str = ""
    vision: str = ""
    related_plans: tuple[str, ...] = ()
    resources: frozenset[str] = frozenset()
    retired: bool = False
    position: int = 0
    indicators: tuple[Indicator, ...] = ()
    years: dict[int, YearRecord] = field(default_factory=dict)
    # per indicator key, per fiscal year: the actual value, and the outside figure (中核市平均)
    actuals: dict[str, dict[int, float]] = field(default_factory=dict)
    figures: dict[str, dict[int, float]] = field(default_factory=dict)
    # what a later plan says of the unit beyond the first plan's sheet, as plain data:
    # 総合戦略 {"projects": [{"text", "repeat"}]}, デジタル戦略 {"achieved": [...], "actions": [...]}
    details: dict[str, object] = field(default_factory=dict)

    @property
    def indicator(self) -> Indicator | None:
        """The first indicator: the one the 入力 sheet's 目標値/実績値 stand for."""
        return self.indicators[0] if self.indicators else None

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of is not None

    @property
    def number_label(self) -> str:
        """'No.10', or '【再掲】' for a re-listing."""
        return "【再掲】" if self.is_repeat else f"No.{self.number}"

    @property
    def display_name(self) -> str:
        return self.name + ("【数値目標】" if self.numeric else "")

    @property
    def department_text(self) -> str:
        return "、".join(self.departments)

    def year(self, fy: int) -> YearRecord:
        return self.years.get(fy) or YearRecord(fy)


@dataclass(frozen=True)
class MeasureRow:
    """A light row for lists and the tree: enough to show, filter and sort."""

    id: int
    key: str
    node_id: int
    number: int | None
    repeat_of: int | None
    name: str
    numeric: bool
    departments: tuple[str, ...]
    retired: bool
    position: int
    statuses: dict[int, Status]
    written: frozenset[int] = frozenset()  # the years whose 実施結果 is filled in

    @property
    def number_label(self) -> str:
        return "【再掲】" if self.repeat_of is not None else f"No.{self.number}"

    @property
    def display_name(self) -> str:
        return self.name + ("【数値目標】" if self.numeric else "")
