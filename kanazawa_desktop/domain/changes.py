"""What a mutation changed, so each view refreshes only what it shows (Anki's OpChanges).

Every operation of the services layer returns a `Changes`; the window broadcasts it once and
the tree, the list, the form, the history and 回収状況 each look at the parts they care about.
`structure` means the plan's tree must be rebuilt (a measure added, moved or renumbered, its
departments changed, a node added); otherwise the measure rows named in `measures` are
updated in place. `plans` means the database holds other plans than before (the plan
switcher is rebuilt). Two `Changes` combine with `|`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .fields import FieldChange

# Fields whose change moves a measure in (or into, or out of) the tree and the filtered lists.
STRUCTURE_FIELDS = frozenset({"node", "number", "departments", "created"})


@dataclass(frozen=True)
class Changes:
    measures: frozenset[int] = frozenset()  # ids of measures whose fields changed
    fields: frozenset[str] = frozenset()  # which fields (names of domain.fields)
    years: frozenset[int] = frozenset()  # which fiscal years, for year fields
    nodes: frozenset[int] = frozenset()  # ids of 方針/項目/小項目 renamed or added
    batches: frozenset[int] = frozenset()  # change batches written (or undone)
    structure: bool = False  # rebuild the tree: added, moved, renumbered, re-assigned
    exchange: bool = False  # the workbook exchange's logs changed (回収状況)
    # ids of indicators no measure owns (基本目標's 数値目標, plan KPIs) whose values changed
    indicators: frozenset[int] = frozenset()
    plans: bool = False  # the database's plans changed: one added or replaced (the switcher)
    fiscal: bool = False  # a fiscal year was closed or re-opened (what may be edited)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.measures | other.measures,
            self.fields | other.fields,
            self.years | other.years,
            self.nodes | other.nodes,
            self.batches | other.batches,
            self.structure or other.structure,
            self.exchange or other.exchange,
            self.indicators | other.indicators,
            self.plans or other.plans,
            self.fiscal or other.fiscal,
        )

    def __bool__(self) -> bool:
        return bool(
            self.measures
            or self.nodes
            or self.batches
            or self.structure
            or self.exchange
            or self.indicators
            or self.plans
            or self.fiscal
        )

    def touches(self, measure_id: int | None) -> bool:
        return measure_id is not None and measure_id in self.measures

    @classmethod
    def of(
        cls,
        changes: Iterable[FieldChange],
        batch: int | None = None,
        *,
        structure: bool = False,
        exchange: bool = False,
        created: Iterable[int] = (),
        created_nodes: Iterable[int] = (),
    ) -> Changes:
        """The Changes of a batch of field changes (and measures/nodes created with it)."""
        items = list(changes)
        measures = {c.measure_id for c in items if c.of_measure} | set(created)
        nodes = {c.node_id for c in items if c.node_id is not None} | set(created_nodes)
        fields = {c.field for c in items}
        return cls(
            measures=frozenset(measures),
            fields=frozenset(fields),
            years=frozenset(c.fy for c in items if c.fy is not None),
            nodes=frozenset(n for n in nodes if n is not None),
            batches=frozenset({batch} if batch is not None else ()),
            structure=structure
            or bool(nodes)
            or bool(set(created))
            or bool(fields & STRUCTURE_FIELDS),
            exchange=exchange,
            indicators=frozenset(c.indicator_id for c in items if c.indicator_id is not None),
        )
