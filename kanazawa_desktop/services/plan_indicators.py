"""The plan's own 数値目標: the indicators no measure owns, grouped as the plan states them.

    groups = plan_indicators(desk)              # 総合戦略: one group per 基本目標
    result = save_plan_indicators(desk, {(indicator_id, fy, "actual"): "61.5"})

第3次金沢版総合戦略 gives each 基本目標 its 数値目標 (owner: that node); 金沢市デジタル戦略2.0
has KPIs of the plan as a whole, grouped under a heading (`owner_key`, the group's name).
Each group lists its indicators with their values; `judgement(fy)` is the live 判定.

Only the secretariat enters their values (no department holds them: they travel in no
department workbook). A save is one undoable batch on the desk's undo stack, every value
checked first (InvalidValue with the indicator's name and the reason; nothing written), and
compare-and-set against the values the caller saw (ConflictError).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..domain import fields as F
from ..domain import judgement
from ..domain.changes import Changes
from ..domain.errors import InvalidValue, PermissionDenied
from ..domain.fiscal import long_label
from ..domain.history import HistoryEntry
from ..domain.indicator import Indicator, OwnerKind
from ..domain.judgement import Judgement
from ..domain.model import Plan
from ..domain.values import validate
from ..store import repository as repo

if TYPE_CHECKING:
    from .desk import Desk, SaveResult

PLAN_OWNER = "計画全体"  # the owner column of a plan-level KPI
ValueKey = tuple[int, int, str]  # (indicator id, fiscal year, F.ACTUAL | F.FIGURE)


@dataclass(frozen=True)
class PlanIndicator:
    """One indicator of the plan that no measure owns, with its values per fiscal year."""

    id: int
    indicator: Indicator
    owner: str  # '基本目標1' or '計画全体'
    actuals: dict[int, float] = field(default_factory=dict)
    figures: dict[int, float] = field(default_factory=dict)

    def value(self, fy: int, kind: str = F.ACTUAL) -> float | None:
        return (self.actuals if kind == F.ACTUAL else self.figures).get(fy)

    def judgement(self, fy: int) -> Judgement:
        return judgement.judge(self.indicator, fy, self.actuals, self.figures)


@dataclass(frozen=True)
class IndicatorGroup:
    """A 基本目標 with its 数値目標, or a group of the plan's KPIs."""

    owner: str  # '基本目標1' / '計画全体'
    title: str  # the 基本目標's title, or the KPI group's name
    items: tuple[PlanIndicator, ...]


def plan_indicators(desk: Desk, plan: Plan | None = None) -> list[IndicatorGroup]:
    """The indicators no measure owns of `plan` (None: the desk's), in the plan's order,
    grouped by owner."""
    if plan is None or plan.id == desk.plan.id:
        plan, nodes = desk.plan, {n.id: n for n in desk.nodes()}
    else:
        nodes = {n.id: n for n in repo.nodes(plan.id)}
    groups: dict[tuple[str, str], list[PlanIndicator]] = {}
    for s in repo.owned_series(plan.id):
        ind = s.indicator
        node = nodes.get(s.node_id) if s.node_id is not None else None
        if node is not None:
            owner, title = node.label, node.title
        else:  # a plan-level KPI: its group is named by owner_key
            owner, title = PLAN_OWNER, ind.owner_key if ind.owner_kind is OwnerKind.PLAN else ""
        item = PlanIndicator(s.id, ind, owner, dict(s.actuals), dict(s.figures))
        groups.setdefault((owner, title), []).append(item)
    return [IndicatorGroup(o, t, tuple(items)) for (o, t), items in groups.items()]


def plan_indicator_history(desk: Desk) -> list[HistoryEntry]:
    """The changes of those indicators' values in the desk's plan, newest first."""
    return repo.owned_history(desk.plan.id)


def save_plan_indicators(
    desk: Desk, edits: dict[ValueKey, object], *, source: str | None = None
) -> SaveResult:
    """Save values of the plan's own indicators as one undoable batch (secretariat only).

    `edits` maps (indicator id, fiscal year, "actual" | "figure") to the value typed
    ("61.5", "61.5%", "" to empty it). Refused as a whole, with nothing written: a role
    other than the secretariat (PermissionDenied), an indicator of another plan or of a
    measure, a year outside the plan, an outside figure the indicator does not compare
    with, or a value that is not a number in the indicator's unit (InvalidValue)."""
    from .desk import SaveResult

    role = desk.role
    if role is None or not role.is_secretariat:
        raise PermissionDenied("計画の数値目標の実績値を入力できるのは事務局だけです")
    plan = desk.plan
    known = {item.id: item for g in plan_indicators(desk) for item in g.items}
    changes = []
    for (iid, fy, kind), value in edits.items():
        item = known.get(iid)
        if item is None:
            raise InvalidValue(f"この計画の数値目標ではありません（id={iid}）", indicator_id=iid)
        ind = item.indicator
        if fy not in plan.years:
            raise InvalidValue(f"{long_label(fy)}は計画の期間外です", fy=fy)
        if kind not in (F.ACTUAL, F.FIGURE) or (kind == F.FIGURE and not ind.figure_name):
            raise InvalidValue(f"「{ind.name}」にはその欄がありません: {kind}", field=kind)
        try:
            new = validate(kind, value, unit=ind.unit)
        except InvalidValue as exc:
            raise InvalidValue(
                f"{ind.name}（{long_label(fy)}）: {exc.message}", indicator_id=iid, fy=fy
            ) from exc
        changes.append(
            F.FieldChange(
                measure_id=0, field=kind, old=item.value(fy, kind), new=new, fy=fy, indicator_id=iid
            )
        )
    batch = repo.apply_changes(
        desk.db, changes, desk.actor, source or desk.source, f"{plan.name}の数値目標"
    )
    desk.undo_stack.push(batch)
    applied = [c for c in changes if not repo.same_value(c.old, c.new)]
    return SaveResult(batch, applied, desk.absorb(Changes.of(applied, batch)))
