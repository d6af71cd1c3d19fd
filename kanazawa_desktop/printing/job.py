"""What to print: the measures, their plan hierarchy and what the footer says.

A PrintJob holds domain objects only, built by services.printing from the desk, so
rendering can run off the GUI thread without touching the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from ..domain.model import Measure, Node, Plan


@dataclass(frozen=True)
class PrintJob:
    plan: Plan
    nodes: Sequence[Node]
    measures: Sequence[Measure]  # in printed order
    sheets: bool = True  # one 取組管理票 per measure
    listing: bool = False  # the 取組事項一覧 of the same measures, before the sheets
    printed_on: date = field(default_factory=date.today)
    version: str = ""  # the data's version, e.g. "#12（2026-11-23 09:40）"
    repeat_labels: Mapping[int, str] = field(default_factory=dict)  # measure number -> "No.51"

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
