"""Schema version 5's data step: each measure's one indicator (ind_* columns, measure_year
target/actual) becomes indicator rows with their values, and nothing is lost.

* A measure of the bundled plan whose targets are still the bundled ones takes the bundled
  indicators (No.86's five, No.43's end value …). Where the secretariat had changed a target,
  the measure keeps its own targets, as numbers for their years, on the bundled name and unit.
* A measure the bundled plan does not know, with an indicator, gets one made from its columns.
* Actuals move to the first indicator, whose actual keeps the field name `actual`: its history,
  drafts and merge bases stay valid as they are.
* A measure whose one number became several indicators (No.86 各種財政指標): an actual entered
  for the whole cannot be told which indicator it was. It is kept in the history, as a change of
  the old 実績値 (`legacy_actual`, shown, never undone onto an indicator) in one recorded batch,
  and its drafts and merge bases for `actual` are dropped (they would now name the first one).

Runs inside ensure_schema's transaction for the step, with plain SQL on the connection.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from peewee import Database

from ..domain.indicator import (
    Indicator,
    indicator_from_dict,
    indicator_to_dict,
    legacy_indicator,
)
from .repository import now_iso

BUNDLED = ("plan_gyosei_keiei.json",)
LEGACY_ACTUAL = "legacy_actual"


def _bundled() -> dict[str, dict[str, dict[str, Any]]]:
    """plan code -> measure key -> the bundled measure (its `indicator` and `indicators`)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for name in BUNDLED:
        raw = resources.files("kanazawa_desktop.resources").joinpath(name).read_bytes()
        data = json.loads(raw)
        out[data["plan"]["code"]] = {m["key"]: m for m in data["measures"]}
    return out


def _same_targets(bundled: dict[str, Any] | None, found: dict[int, float]) -> bool:
    want = {int(fy): float(v) for fy, v in ((bundled or {}).get("targets") or {}).items()}
    return want == found


def migrate(db: Database) -> None:
    bundled = _bundled()
    rows = db.execute_sql(
        "SELECT m.id, m.key, m.name, m.plan_id, p.code, m.ind_name, m.ind_unit, m.ind_direction,"
        " m.ind_cumulative, m.ind_note FROM measure m JOIN plan p ON p.id = m.plan_id"
        " ORDER BY m.id"
    ).fetchall()
    years: dict[int, list[tuple[int, float | None, float | None]]] = {}
    for mid, fy, target, actual in db.execute_sql(
        "SELECT measure_id, fy, target, actual FROM measure_year"
        " WHERE target IS NOT NULL OR actual IS NOT NULL"
    ):
        years.setdefault(mid, []).append((fy, target, actual))
    kept: list[tuple[int, int, float]] = []  # (measure, fy, actual) that no indicator takes
    for mid, key, mname, plan_id, code, i_name, i_unit, direction, cumulative, note in rows:
        targets = {fy: float(t) for fy, t, _ in years.get(mid, []) if t is not None}
        actuals = {fy: float(a) for fy, _, a in years.get(mid, []) if a is not None}
        source = bundled.get(code, {}).get(key)
        inds: list[Indicator]
        if source is not None and source.get("indicators") is not None:
            inds = [indicator_from_dict(d) for d in source["indicators"]]
            if inds and not _same_targets(source.get("indicator"), targets):
                first = inds[0]
                own = legacy_indicator(
                    first.key,
                    first.name,
                    first.unit,
                    direction or "increase",
                    bool(cumulative),
                    first.note,
                    targets,
                )
                inds = [own, *inds[1:]]
        elif direction or targets or actuals:
            inds = [
                legacy_indicator(
                    key, i_name or mname, i_unit, direction, bool(cumulative), note or "", targets
                )
            ]
        else:
            inds = []
        ids = []
        for pos, ind in enumerate(inds):
            cur = db.execute_sql(
                "INSERT INTO indicator (plan_id, key, measure_id, node_id, position, definition)"
                " VALUES (?, ?, ?, NULL, ?, ?)",
                (
                    plan_id,
                    ind.key,
                    mid,
                    pos,
                    json.dumps(indicator_to_dict(ind), ensure_ascii=False),
                ),
            )
            ids.append(cur.lastrowid)
        if not actuals:
            continue
        if len(inds) == 1:
            for fy, a in actuals.items():
                db.execute_sql(
                    "INSERT INTO indicator_value (indicator_id, fy, actual, figure)"
                    " VALUES (?, ?, ?, NULL)",
                    (ids[0], fy, a),
                )
        else:
            kept += [(mid, fy, a) for fy, a in sorted(actuals.items())]
    _keep_in_history(db, kept)
    db.execute_sql(
        "UPDATE measure_year SET target = NULL, actual = NULL"
        " WHERE target IS NOT NULL OR actual IS NOT NULL"
    )


def _keep_in_history(db: Database, kept: list[tuple[int, int, float]]) -> None:
    """Actuals of a measure split into several indicators: one recorded batch that says where
    they went, their earlier history renamed so it is shown and never undone onto one of them."""
    split = {
        mid
        for mid, *_ in db.execute_sql(
            "SELECT measure_id FROM indicator WHERE measure_id IS NOT NULL"
            " GROUP BY measure_id HAVING COUNT(*) > 1"
        )
    }
    for mid in split:
        db.execute_sql(
            "UPDATE change SET field = ? WHERE measure_id = ? AND field = 'actual'",
            (LEGACY_ACTUAL, mid),
        )
        db.execute_sql("DELETE FROM draft WHERE measure_id = ? AND field = 'actual'", (mid,))
        for table in ("exchange_base", "exchange_sent"):
            db.execute_sql(
                f"DELETE FROM {table} WHERE field = 'actual'"  # noqa: S608 (fixed names)
                " AND measure_key = (SELECT key FROM measure WHERE id = ?)",
                (mid,),
            )
    if not kept:
        return
    cur = db.execute_sql(
        "INSERT INTO change_batch (at, user, role, source, description, undone_by, undoes)"
        " VALUES (?, ?, ?, ?, ?, NULL, NULL)",
        (
            now_iso(),
            "（形式の更新）",
            "",
            "migration",
            "指標を分けたため、取組全体の実績値を履歴に残しました（指標ごとに入力し直してください）",
        ),
    )
    batch = cur.lastrowid
    for mid, fy, actual in kept:
        db.execute_sql(
            "INSERT INTO change (batch_id, measure_id, fy, field, old, new)"
            " VALUES (?, ?, ?, ?, ?, NULL)",
            (batch, mid, fy, LEGACY_ACTUAL, json.dumps(actual)),
        )
