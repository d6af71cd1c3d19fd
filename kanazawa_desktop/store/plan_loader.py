"""Fill an empty store with a bundled plan (resources/plan_*.json, built from the seed)."""

from __future__ import annotations

import json

from peewee import Database

from ..domain.glossary import glossary_to_list, parse_glossary
from ..domain.indicator import indicator_from_dict, indicator_to_dict
from ..domain.plan_sheet import parse_sheet, sheet_to_dict
from .connection import write_transaction
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


def load_plan(db: Database, data: dict) -> int:
    """Insert plan, nodes, departments and measures from `data`; returns the plan id.

    Runs in one transaction: a failure leaves the store as it was.
    """
    p = data["plan"]
    with write_transaction(db):
        plan = DbPlan.create(
            code=p["code"],
            name=p["name"],
            first_fy=p["first_fy"],
            last_fy=p["last_fy"],
            levels=json.dumps(p.get("levels", ["方針", "項目", "小項目"]), ensure_ascii=False),
            item=p.get("item", "取組"),
            # checked: a plan file that names a row the sheet has not is refused here
            sheet=json.dumps(sheet_to_dict(*parse_sheet(p.get("sheet"))), ensure_ascii=False),
            # checked too: an entry without its term or text is refused, not loaded half
            glossary=json.dumps(
                glossary_to_list(parse_glossary(p.get("glossary"))), ensure_ascii=False
            ),
        )
        dep_ids: dict[str, int] = {d.name: d.id for d in DbDepartment.select()}
        for name in data["departments"]:
            if name not in dep_ids:
                dep_ids[name] = DbDepartment.create(name=name, position=len(dep_ids)).id
        node_ids: dict[str, int] = {}
        for pos, n in enumerate(data["nodes"]):
            node_ids[n["key"]] = DbNode.create(
                plan=plan,
                key=n["key"],
                parent=node_ids.get(n["parent"]) if n["parent"] else None,
                level=n["level"],
                label=n["label"],
                title=n["title"],
                position=pos,
            ).id
            if n.get("description"):
                DbNodeDetail.create(node=node_ids[n["key"]], description=n["description"])
        for pos, d in enumerate(data.get("node_indicators") or []):
            ind = indicator_from_dict(d)
            if ind.owner_key not in node_ids and ind.owner_kind.value != "plan":
                raise ValueError(f"{ind.key}: no node {ind.owner_key!r}")
            DbIndicator.create(
                plan=plan,
                key=ind.key,
                node=node_ids.get(ind.owner_key),
                position=pos,
                definition=json.dumps(indicator_to_dict(ind), ensure_ascii=False),
            )
        for pos, m in enumerate(data["measures"]):
            res = m.get("resources", {})
            row = DbMeasure.create(
                plan=plan,
                key=m["key"],
                node=node_ids[m["node"]],
                number=m.get("number"),
                repeat_of=m.get("repeat_of"),
                name=m["name"],
                list_name=m.get("list_name", ""),
                numeric=bool(m.get("numeric")),
                summary=m.get("summary", ""),
                vision=m.get("vision", ""),
                related_plans=json.dumps(m.get("related_plans", []), ensure_ascii=False),
                res_hito=bool(res.get("hito")),
                res_kane=bool(res.get("kane")),
                res_mono=bool(res.get("mono")),
                res_joho=bool(res.get("joho")),
                position=pos,
            )
            for i, name in enumerate(m["departments"]):
                if name not in dep_ids:
                    dep_ids[name] = DbDepartment.create(name=name, position=len(dep_ids)).id
                DbMeasureDepartment.create(measure=row, department=dep_ids[name], position=i)
            for fy in range(p["first_fy"], p["last_fy"] + 1):
                y = m.get("years", {}).get(str(fy), {})
                DbMeasureYear.create(measure=row, fy=fy, plan_text=y.get("plan", ""))
            if m.get("details"):
                DbMeasureDetail.create(
                    measure=row, details=json.dumps(m["details"], ensure_ascii=False)
                )
            # the `indicator` key beside them is the form schema-4 databases held, which the
            # migration to version 5 compares with (store/indicator_migration.py)
            for i, d in enumerate(m.get("indicators") or []):
                ind = indicator_from_dict(d)  # strict: a bad definition is not loaded
                DbIndicator.create(
                    plan=plan,
                    key=ind.key,
                    measure=row,
                    position=i,
                    definition=json.dumps(indicator_to_dict(ind), ensure_ascii=False),
                )
        return plan.id
