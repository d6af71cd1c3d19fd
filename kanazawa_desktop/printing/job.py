"""What to print: the measures, their plan hierarchy and what the footer says.

A PrintJob holds domain objects only, built by services.printing from the desk: the
selected measures' ids in printed order and `fetch`, which reads complete measures for a
batch of ids. Rendering reads the measures through `iter_measures()`, `batch_size` at a
time, so memory stays the same whatever the number of measures; `fetch` may be called
from the thread that renders (the window renders off the GUI thread).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import NamedTuple

from ..domain.dashboard import Group
from ..domain.model import Measure, Node, Plan


class GoalYear(NamedTuple):
    """One fiscal year of a plan's own 数値目標, as printed."""

    target: str  # '59%（令和10年度末まで）', '' when the year has none
    actual: str  # '52.5%', '' when not entered
    verdict: str  # 達成 / 未達成 / 判定不可 / 未入力


class GoalLine(NamedTuple):
    """One of the plan's own 数値目標 (a 基本目標's, a plan KPI), as printed (printing/goals.py)."""

    group: str  # '基本目標1　若い世代に…' / '計画全体　市民サービスの向上'
    name: str  # '子どもを産み育てやすい…市民の割合（%）'
    baseline: str  # '47.5%（令和5年度）'
    years: tuple[GoalYear, ...]


class ReportIndicator(NamedTuple):
    """One indicator in the report's table for its year (printing/report.py)."""

    owner: str  # 'No.3', '基本目標1', '計画全体'
    name: str  # with its unit: '電子申請の件数（件）'
    target: str
    actual: str
    verdict: str  # 達成 / 未達成 / 未入力 / 判定不可


@dataclass(frozen=True)
class Report:
    """The front of a briefing book (報告書): cover, 目次, summary; the sheets follow.

    `status` and `verdicts` are services.dashboard's groups (全体 first, then each level-1
    node), drawn for `year`."""

    title: str  # 'Xプラン 進捗報告書 令和8年度': the PDF's title and every footer's left
    year: int
    dated: str  # 令和8年11月30日
    level: str  # 方針 / 基本目標
    status: Sequence[Group]
    verdicts: Sequence[Group]
    indicators: Sequence[ReportIndicator]
    office: str = "行政経営プラン推進本部 事務局"
    author: str = "金沢市 行政経営プラン推進本部 事務局"


@dataclass(frozen=True)
class PrintJob:
    plan: Plan
    nodes: Sequence[Node]
    measure_ids: Sequence[int]  # in printed order
    fetch: Callable[[Sequence[int]], list[Measure]]  # complete measures of these ids, in order
    sheets: bool = True  # one 取組管理票 per measure
    listing: bool = False  # the 取組事項一覧 of the same measures, before the sheets
    printed_on: date = field(default_factory=date.today)
    version: str = ""  # the data's version, e.g. "#12（2026-11-23 09:40）"
    repeat_labels: Mapping[int, str] = field(default_factory=dict)  # measure number -> "No.51"
    batch_size: int = 200  # measures read (and held) at a time
    goals: Sequence[GoalLine] = ()  # the plan's own 数値目標, printed after the 一覧
    report: Report | None = None  # a briefing book: its front pages before the sheets
    two_up: bool = False  # two sheet pages on one A4 landscape page

    def iter_measures(self) -> Iterator[Measure]:
        """The measures in printed order, read `batch_size` at a time."""
        ids = self.measure_ids
        step = max(1, self.batch_size)
        for start in range(0, len(ids), step):
            yield from self.fetch(ids[start : start + step])

    @cached_property
    def node_by_id(self) -> dict[int, Node]:
        return {n.id: n for n in self.nodes}

    def path(self, measure: Measure) -> list[Node]:
        """The measure's 方針 / 項目 / 小項目, top first."""
        by_id = self.node_by_id
        out: list[Node] = []
        node = by_id.get(measure.node_id)
        while node is not None:
            out.append(node)
            node = by_id.get(node.parent_id) if node.parent_id is not None else None
        return list(reversed(out))

    def policy(self, measure: Measure) -> Node | None:
        path = self.path(measure)
        return path[0] if path else None
