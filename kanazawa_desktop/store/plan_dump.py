"""A plan as it stands in the database, as the plain dict `plan_loader.load_plan` takes.

`dump_plan(code)` gives the plan's definition with the current texts: plan, departments of
its items (in the order the items first name them), nodes (with their descriptions),
indicators owned by a node, a goal or the plan (`node_indicators`), and its items in printed
order with their departments, texts, 関連計画, 行政資源, 実施計画 per year, plan-specific
`details` and indicators (their current definitions). Results, statuses and actuals are not
part of a plan's definition and are left out, as are retired items (a plan written from a
dump starts without them). Every key is always present, so two dumps compare as dicts —
except the plan's `glossary` (schema 12), present only when the plan has notes, so the files
of plans without them stay as they were.
"""

from __future__ import annotations

import json

from ..domain.errors import NotFound
from ..domain.glossary import glossary_to_list, parse_glossary
from ..domain.indicator import indicator_from_dict, indicator_to_dict
from ..domain.plan_sheet import parse_sheet, sheet_to_dict
from .models import (
    DbDepartment,
    DbIndicator,
    DbMeasure,
    DbMeasureDepartment,
    DbMeasureDetail,
    DbMeasureYear,
    DbNode,
    DbNodeDetail,
    DbPlan,
)

_RESOURCES = ("hito", "kane", "mono", "joho")


def _indicator(row: DbIndicator) -> dict[str, object]:
    # through the domain class: the dict has every field, in one normal form
    return indicator_to_dict(indicator_from_dict(json.loads(row.definition)))


def dump_plan(code: str) -> dict:
    """The plan `code` as a load_plan dict; NotFound when the database has no such plan."""
    plan = DbPlan.get_or_none(DbPlan.code == code)
    if plan is None:
        raise NotFound(f"計画「{code}」はありません", plan=code)
    nodes = list(DbNode.select().where(DbNode.plan == plan).order_by(DbNode.position, DbNode.id))
    node_key = {n.id: n.key for n in nodes}
    descriptions = {
        d.node_id: d.description
        for d in DbNodeDetail.select().where(DbNodeDetail.node.in_([n.id for n in nodes]))
    }
    measures = list(
        DbMeasure.select()
        .where((DbMeasure.plan == plan) & (DbMeasure.retired == False))  # noqa: E712
        .order_by(DbMeasure.position, DbMeasure.id)
    )
    ids = [m.id for m in measures]
    deps: dict[int, list[str]] = {i: [] for i in ids}
    for link in (
        DbMeasureDepartment.select(DbMeasureDepartment.measure, DbDepartment.name)
        .join(DbDepartment)
        .where(DbMeasureDepartment.measure.in_(ids))
        .order_by(DbMeasureDepartment.measure, DbMeasureDepartment.position)
    ):
        deps[link.measure_id].append(link.department.name)
    years: dict[int, dict[str, dict[str, str]]] = {i: {} for i in ids}
    for y in (
        DbMeasureYear.select().where(DbMeasureYear.measure.in_(ids)).order_by(DbMeasureYear.fy)
    ):
        if plan.first_fy <= y.fy <= plan.last_fy and y.plan_text:
            years[y.measure_id][str(y.fy)] = {"plan": y.plan_text}
    details = {
        d.measure_id: json.loads(d.details)
        for d in DbMeasureDetail.select().where(DbMeasureDetail.measure.in_(ids))
    }
    inds = list(
        DbIndicator.select()
        .where(DbIndicator.plan == plan)
        .order_by(DbIndicator.position, DbIndicator.id)
    )
    by_measure: dict[int, list[dict[str, object]]] = {i: [] for i in ids}
    node_indicators = []
    for row in inds:
        if row.measure_id is None:
            node_indicators.append(_indicator(row))
        elif row.measure_id in by_measure:
            by_measure[row.measure_id].append(_indicator(row))
    departments: list[str] = []
    for m in measures:
        departments += [d for d in deps[m.id] if d not in departments]
    glossary = glossary_to_list(parse_glossary(json.loads(plan.glossary or "[]")))
    return {
        "plan": {
            "code": plan.code,
            "name": plan.name,
            "first_fy": plan.first_fy,
            "last_fy": plan.last_fy,
            "levels": json.loads(plan.levels),
            "item": plan.item,
            "sheet": sheet_to_dict(*parse_sheet(json.loads(plan.sheet or "{}"))),
            # only when there is one: the plans without notes dump as they always did
            **({"glossary": glossary} if glossary else {}),
        },
        "departments": departments,
        "nodes": [
            {
                "key": n.key,
                "parent": node_key.get(n.parent_id) if n.parent_id else None,
                "level": n.level,
                "label": n.label,
                "title": n.title,
                "description": descriptions.get(n.id, ""),
            }
            for n in nodes
        ],
        "node_indicators": node_indicators,
        "measures": [
            {
                "key": m.key,
                "node": node_key[m.node_id],
                "number": m.number,
                "repeat_of": m.repeat_of,
                "name": m.name,
                "list_name": m.list_name,
                "numeric": bool(m.numeric),
                "departments": deps[m.id],
                "summary": m.summary,
                "vision": m.vision,
                "related_plans": json.loads(m.related_plans or "[]"),
                "resources": {r: bool(getattr(m, f"res_{r}")) for r in _RESOURCES},
                "years": years[m.id],
                "details": details.get(m.id) or {},
                "indicators": by_measure[m.id],
            }
            for m in measures
        ],
    }
