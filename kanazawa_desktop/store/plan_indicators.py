"""The indicators no measure owns — a 基本目標's 数値目標 (総合戦略: `indicator.node_id` set) and
a plan's own KPIs (デジタル戦略: no node either) — with their values and their history.

Their values live in `indicator_value` like a measure's indicators'; a change of one is a
FieldChange with `indicator_id` set (field ACTUAL or FIGURE, a fiscal year), written by
`repository.apply_changes` in its batch and recorded in `indicator_change` (schema 8), so undo,
redo and the history treat it like any other change. An indicator a measure owns is refused
here: its values are that measure's fields, recorded under the measure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..domain import fields as F
from ..domain.errors import InvalidValue, NotFound
from ..domain.history import HistoryEntry
from ..domain.indicator import Indicator, indicator_from_dict
from .models import DbBatch, DbIndicator, DbIndicatorChange, DbIndicatorValue

_COLUMNS = {F.ACTUAL: "actual", F.FIGURE: "figure"}


@dataclass
class OwnedSeries:
    """One indicator of the plan that no measure owns, with its values per fiscal year."""

    id: int
    indicator: Indicator
    node_id: int | None  # the 基本目標 it belongs to; None for a plan-level KPI
    actuals: dict[int, float] = field(default_factory=dict)
    figures: dict[int, float] = field(default_factory=dict)


def series(plan_id: int) -> list[OwnedSeries]:
    """The plan's indicators without a measure, in the plan's order, with their values."""
    out: dict[int, OwnedSeries] = {}
    rows = DbIndicator._meta.database.execute_sql(
        "SELECT i.id, i.node_id, i.definition, v.fy, v.actual, v.figure FROM indicator i "
        "LEFT JOIN indicator_value v ON v.indicator_id = i.id "
        "WHERE i.plan_id = ? AND i.measure_id IS NULL ORDER BY i.position, i.id, v.fy",
        [plan_id],
    )
    for iid, node_id, definition, fy, actual, figure in rows:
        s = out.get(iid)
        if s is None:
            s = out[iid] = OwnedSeries(iid, indicator_from_dict(json.loads(definition)), node_id)
        if actual is not None:
            s.actuals[fy] = float(actual)
        if figure is not None:
            s.figures[fy] = float(figure)
    return list(out.values())


def _row(indicator_id: int) -> DbIndicator:
    row = DbIndicator.get_or_none(DbIndicator.id == indicator_id)
    if row is None:
        raise NotFound(f"指標が見つかりません（id={indicator_id}）", indicator_id=indicator_id)
    if row.measure_id is not None:  # its values are the measure's fields, recorded there
        raise InvalidValue(
            f"指標「{row.key}」は取組の指標です。取組の画面で入力してください", key=row.key
        )
    return row


def _column(c: F.FieldChange) -> str:
    column = _COLUMNS.get(c.field)
    if column is None or c.fy is None:
        raise InvalidValue(f"指標の値ではありません: {c.field}", field=c.field)
    return column


def current(c: F.FieldChange) -> object:
    """The value the change's indicator holds now for its field and year (None: empty)."""
    assert c.indicator_id is not None
    _row(c.indicator_id)
    value = (
        DbIndicatorValue.select(getattr(DbIndicatorValue, _column(c)))
        .where((DbIndicatorValue.indicator == c.indicator_id) & (DbIndicatorValue.fy == c.fy))
        .scalar()
    )
    return None if value is None else float(value)


def write(c: F.FieldChange) -> None:
    """Write the change's new value; inside the caller's write transaction."""
    assert c.indicator_id is not None
    _row(c.indicator_id)
    column = _column(c)
    DbIndicatorValue.insert(indicator=c.indicator_id, fy=c.fy, **{column: c.new}).on_conflict(
        conflict_target=[DbIndicatorValue.indicator, DbIndicatorValue.fy],
        update={getattr(DbIndicatorValue, column): c.new},
    ).execute()


def record(batch: DbBatch, c: F.FieldChange, dump) -> None:
    DbIndicatorChange.create(
        batch=batch,
        indicator=c.indicator_id,
        fy=c.fy,
        field=c.field,
        old=dump(c.old),
        new=dump(c.new),
    )


def batch_changes(batch_id: int, load) -> list[F.FieldChange]:
    q = (
        DbIndicatorChange.select()
        .where(DbIndicatorChange.batch == batch_id)
        .order_by(DbIndicatorChange.id)
    )
    return [
        F.FieldChange(
            measure_id=0,
            field=c.field,
            old=load(c.old),
            new=load(c.new),
            fy=c.fy,
            indicator_id=c.indicator_id,
        )
        for c in q
    ]


def history(plan_id: int, load) -> list[HistoryEntry]:
    """Every change of the values of the plan's indicators without a measure, newest first."""
    q = (
        DbIndicatorChange.select(DbIndicatorChange, DbBatch)
        .join(DbBatch)
        .switch(DbIndicatorChange)
        .join(DbIndicator)
        .where(DbIndicator.plan == plan_id)
        .order_by(DbBatch.id.desc(), DbIndicatorChange.id.desc())
    )
    return [
        HistoryEntry(
            batch_id=c.batch.id,
            at=c.batch.at,
            user=c.batch.user,
            role=c.batch.role,
            source=c.batch.source,
            measure_id=0,
            fy=c.fy,
            field=c.field,
            old=load(c.old),
            new=load(c.new),
            undone=c.batch.undone_by is not None,
            indicator_id=c.indicator_id,
        )
        for c in q
    ]
