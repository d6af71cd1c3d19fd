"""Queries and writes over the store, speaking domain objects.

Every write goes through `apply_changes`: one IMMEDIATE transaction that checks each
field still holds the value the caller saw, writes the new values and records a batch
with one history row per field. Undo is another batch that writes the old values back.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from functools import lru_cache

from peewee import SQL, Database, fn

from ..domain import fields as F
from ..domain.errors import ConflictError, InvalidValue, NotFound
from ..domain.glossary import Glossary, glossary_to_list, parse_glossary
from ..domain.history import Actor, HistoryEntry
from ..domain.indicator import Indicator, indicator_from_dict, indicator_to_dict
from ..domain.judgement import disagrees, judge_all
from ..domain.model import Measure, MeasureRow, Node, Plan, YearRecord
from ..domain.plan_sheet import parse_sheet
from ..domain.status import Status
from ..domain.values import field_value
from . import fiscal_years
from . import plan_indicators as owned
from .connection import is_server, write_transaction
from .models import (
    DbBatch,
    DbChange,
    DbDepartment,
    DbDraft,
    DbIndicator,
    DbIndicatorValue,
    DbMeasure,
    DbMeasureDepartment,
    DbMeasureYear,
    DbMeta,
    DbNode,
    DbNodeChange,
    DbPlan,
)


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


# ---- meta ---------------------------------------------------------------


def get_meta(key: str, default: str | None = None) -> str | None:
    row = DbMeta.get_or_none(DbMeta.key == key)
    return row.value if row else default


def set_meta(key: str, value: str) -> None:
    # insert … on conflict, not REPLACE: the same statement on SQLite and PostgreSQL
    DbMeta.insert(key=key, value=value).on_conflict(
        conflict_target=[DbMeta.key], update={DbMeta.value: value}
    ).execute()


# ---- reads --------------------------------------------------------------


def _plan(row: DbPlan) -> Plan:
    rows, words = parse_sheet(json.loads(row.sheet or "{}"))
    return Plan(
        id=row.id,
        code=row.code,
        name=row.name,
        first_fy=row.first_fy,
        last_fy=row.last_fy,
        levels=tuple(json.loads(row.levels)),
        item=row.item,
        rows=rows,
        words=words,
        glossary=parse_glossary(json.loads(row.glossary or "[]")),
    )


def plans() -> list[Plan]:
    return [_plan(p) for p in DbPlan.select().order_by(DbPlan.id)]


def plan_by_code(code: str) -> Plan | None:
    row = DbPlan.get_or_none(DbPlan.code == code)
    return _plan(row) if row else None


def nodes(plan_id: int, department: str | None = None) -> list[Node]:
    """The plan's hierarchy in order; with `department`, only the nodes that department's
    measures hang from and their ancestors (what its workbook shows)."""
    columns = (
        "SELECT n.id, n.key, n.parent_id, n.level, n.label, n.title, n.position,"
        " COALESCE(d.description, '') FROM node n LEFT JOIN node_detail d ON d.node_id = n.id"
    )
    if department is None:
        rows = DbNode._meta.database.execute_sql(
            f"{columns} WHERE n.plan_id = ? ORDER BY n.position", [plan_id]
        )
    else:
        rows = DbNode._meta.database.execute_sql(
            "WITH RECURSIVE up(id) AS ("
            f" SELECT m.node_id FROM measure m WHERE m.plan_id = ? AND {_HELD_BY}"
            " UNION SELECT n.parent_id FROM node n JOIN up ON n.id = up.id"
            " WHERE n.parent_id IS NOT NULL)"
            f" {columns} WHERE n.id IN (SELECT id FROM up) ORDER BY n.position",
            [plan_id, department],
        )
    return [
        Node(
            id=i,
            key=k,
            parent_id=parent,
            level=level,
            label=label,
            title=title,
            position=position,
            description=description,
        )
        for i, k, parent, level, label, title, position, description in rows
    ]


def departments() -> list[str]:
    return [d.name for d in DbDepartment.select().order_by(DbDepartment.position)]


def _sql(query: str, where: str, args: list, ids: list[int] | None, column: str):
    """Run `query` (with `{where}`) on the cursor, narrowed to `ids` when given: plain tuples,
    no model instances (peewee's row conversion cost 1.5 s of a 20,000-measure window start)."""
    if ids is not None:
        where += f" AND {column} IN ({','.join('?' * len(ids))})"
        args = [*args, *ids]
    return DbMeasure._meta.database.execute_sql(query.format(where=where), args)


def _departments_by_measure(measure_ids: list[int] | None = None) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = defaultdict(list)
    for mid, name in _sql(
        "SELECT md.measure_id, d.name FROM measure_department md "
        "JOIN department d ON d.id = md.department_id WHERE {where} "
        "ORDER BY md.measure_id, md.position",
        "1 = 1",
        [],
        measure_ids,
        "md.measure_id",
    ):
        out[mid].append(name)
    return {k: tuple(v) for k, v in out.items()}


def measure_rows(plan_id: int, ids: list[int] | None = None) -> list[MeasureRow]:
    """Measures of a plan (all, or those in `ids`) in printed order, with their status per year."""
    deps = _departments_by_measure(ids)
    statuses: dict[int, dict[int, Status]] = defaultdict(dict)
    written: dict[int, set[int]] = defaultdict(set)
    codes = {s.value: s for s in Status}
    for mid, fy, status, has_result in _sql(
        "SELECT y.measure_id, y.fy, y.status, y.result_text <> '' FROM measure_year y "
        "JOIN measure m ON m.id = y.measure_id WHERE {where}",
        "m.plan_id = ?",
        [plan_id],
        ids,
        "m.id",
    ):
        statuses[mid][fy] = codes.get(status) or Status(status)
        if has_result:
            written[mid].add(fy)
    rows = _sql(
        "SELECT m.id, m.key, m.node_id, m.number, m.repeat_of, m.name, m.numeric, "
        "m.retired, m.position FROM measure m JOIN node n ON n.id = m.node_id "
        "WHERE {where} ORDER BY n.position, m.position",
        "m.plan_id = ?",
        [plan_id],
        ids,
        "m.id",
    )
    return [
        MeasureRow(
            id=mid,
            key=key,
            node_id=node,
            number=number,
            repeat_of=repeat_of,
            name=name,
            numeric=bool(numeric),
            departments=deps.get(mid, ()),
            retired=bool(retired),
            position=position,
            statuses=statuses.get(mid, {}),
            written=frozenset(written.get(mid, ())),
        )
        for mid, key, node, number, repeat_of, name, numeric, retired, position in rows
    ]


def disagreements(rows: list[MeasureRow]) -> dict[int, dict[int, str]]:
    """Per measure of `rows`, the years whose chosen status its indicators' judgement
    contradicts, with that judgement (達成 / 未達成); measures without any left out."""
    series = read_series("1 = 1", [], [r.id for r in rows])
    out = {}
    for r in rows:
        found = _disagreements(series, r.id, r.statuses)
        if found:
            out[r.id] = found
    return out


def _disagreements(series: Series, mid: int, statuses: dict[int, Status]) -> dict[int, str]:
    defs = series.defs.get(mid)
    if not defs:
        return {}
    actuals, figures = series.actuals.get(mid, {}), series.figures.get(mid, {})
    out = {}
    for fy, chosen in statuses.items():
        if chosen is Status.PENDING:
            continue
        j = judge_all(defs, fy, actuals, figures)
        if disagrees(j, chosen):
            out[fy] = j.label
    return out


def search_texts(plan_id: int, ids: list[int] | None = None) -> dict[int, str]:
    """The texts a search looks in besides number, name and departments, per measure."""
    parts: dict[int, list[str]] = defaultdict(list)
    for mid, summary, vision, related in _sql(
        "SELECT m.id, m.summary, m.vision, m.related_plans FROM measure m WHERE {where}",
        "m.plan_id = ?",
        [plan_id],
        ids,
        "m.id",
    ):
        parts[mid] += [summary or "", vision or "", " ".join(json.loads(related or "[]"))]
    for mid, plan_text, result_text in _sql(
        "SELECT y.measure_id, y.plan_text, y.result_text FROM measure_year y "
        "JOIN measure m ON m.id = y.measure_id WHERE {where}",
        "m.plan_id = ?",
        [plan_id],
        ids,
        "m.id",
    ):
        parts[mid] += [plan_text or "", result_text or ""]
    return {mid: " ".join(p for p in texts if p) for mid, texts in parts.items()}


def data_version(db: Database) -> int:
    """Changes when another connection (another process, another thread) commits."""
    if is_server(db):
        return int(db.data_version())  # type: ignore[attr-defined]
    return int(db.execute_sql("PRAGMA data_version").fetchone()[0])


def _resources(m: DbMeasure) -> frozenset[str]:
    return frozenset(r for r in ("hito", "kane", "mono", "joho") if getattr(m, f"res_{r}"))


def _measure(m: DbMeasure, deps: tuple[str, ...], years: list[DbMeasureYear]) -> Measure:
    series = read_series("m.id = ?", [m.id])
    return with_series(
        Measure(
            id=m.id,
            key=m.key,
            plan_id=m.plan_id,
            node_id=m.node_id,
            number=m.number,
            repeat_of=m.repeat_of,
            name=m.name,
            numeric=m.numeric,
            departments=deps,
            summary=m.summary,
            vision=m.vision,
            related_plans=tuple(json.loads(m.related_plans)),
            resources=_resources(m),
            retired=m.retired,
            position=m.position,
            years={y.fy: _year_record(y) for y in years},
        ),
        series,
    )


def _year_record(y: DbMeasureYear) -> YearRecord:
    return YearRecord(
        fy=y.fy,
        plan_text=y.plan_text,
        result_text=y.result_text,
        status=Status(y.status),
        target=y.target,
        actual=y.actual,
    )


def get_measure(measure_id: int) -> Measure:
    m = DbMeasure.get_or_none(DbMeasure.id == measure_id)
    if m is None:
        raise NotFound(f"取組が見つかりません（id={measure_id}）", measure_id=measure_id)
    years = list(DbMeasureYear.select().where(DbMeasureYear.measure == m.id))
    return _measure(m, _departments_by_measure([m.id]).get(m.id, ()), years)


_MEASURE_COLUMNS = (
    "m.id, m.key, m.plan_id, m.node_id, m.number, m.repeat_of, m.name, m.numeric, "
    "m.summary, m.vision, m.related_plans, m.res_hito, m.res_kane, m.res_mono, "
    "m.res_joho, m.retired, m.position"
)


# a measure `m` held by the department named by the parameter (joint measures included)
_HELD_BY = (
    "m.id IN (SELECT md.measure_id FROM measure_department md "
    "JOIN department d ON d.id = md.department_id WHERE d.name = ?)"
)


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


_STATUSES = {s.value: s for s in Status}


@lru_cache(maxsize=8192)
def _definition(text: str) -> Indicator:
    """An indicator's stored definition (the same text reads to the same frozen object)."""
    return indicator_from_dict(json.loads(text))


class Series:
    """The indicators of the measures read, with their values, by measure id."""

    def __init__(self) -> None:
        self.defs: dict[int, list[Indicator]] = defaultdict(list)
        self.actuals: dict[int, dict[str, dict[int, float]]] = defaultdict(dict)
        self.figures: dict[int, dict[str, dict[int, float]]] = defaultdict(dict)
        self.details: dict[int, dict[str, object]] = {}


def read_series(where: str, args: list, ids: list[int] | None = None) -> Series:
    """The indicators (and their values) of the measures `m` that `where` selects."""
    out = Series()
    seen: set[tuple[int, str]] = set()
    for mid, key, definition, fy, actual, figure in _sql(
        "SELECT i.measure_id, i.key, i.definition, v.fy, v.actual, v.figure FROM indicator i "
        "JOIN measure m ON m.id = i.measure_id "
        "LEFT JOIN indicator_value v ON v.indicator_id = i.id "
        "WHERE {where} ORDER BY i.measure_id, i.position, v.fy",
        where,
        args,
        ids,
        "i.measure_id",
    ):
        if (mid, key) not in seen:
            seen.add((mid, key))
            out.defs[mid].append(_definition(definition))
        if actual is not None:
            out.actuals[mid].setdefault(key, {})[fy] = float(actual)
        if figure is not None:
            out.figures[mid].setdefault(key, {})[fy] = float(figure)
    for mid, text in _sql(
        "SELECT d.measure_id, d.details FROM measure_detail d "
        "JOIN measure m ON m.id = d.measure_id WHERE {where}",
        where,
        args,
        ids,
        "d.measure_id",
    ):
        out.details[mid] = json.loads(text)
    return out


def with_series(m: Measure, series: Series) -> Measure:
    """`m` with its indicators and values; its years' target/actual are the first indicator's
    (the 入力 sheet's 目標値/実績値)."""
    details = series.details.get(m.id)
    if details:
        m = replace(m, details=details)
    defs = series.defs.get(m.id)
    if not defs:
        return m
    first = defs[0]
    actuals = series.actuals.get(m.id, {})
    own = actuals.get(first.key, {})
    years = {
        fy: replace(y, target=first.year_target(fy), actual=own.get(fy))
        for fy, y in m.years.items()
    }
    return replace(
        m,
        indicators=tuple(defs),
        actuals=actuals,
        figures=series.figures.get(m.id, {}),
        years=years,
    )


def year_record(
    fy: int, plan_text: str, result_text: str, status: str, target: object, actual: object
) -> YearRecord:
    """A measure_year row (its columns in this order) as the domain's YearRecord."""
    return YearRecord(
        fy=fy,
        plan_text=plan_text,
        result_text=result_text,
        status=_STATUSES.get(status) or Status(status),
        target=_float(target),
        actual=_float(actual),
    )


def _measure_of(
    row: tuple,
    deps: dict[int, tuple[str, ...]] | dict[int, list[str]],
    years: dict[int, dict[int, YearRecord]],
    series: Series,
) -> Measure:
    """A complete measure from a row of _MEASURE_COLUMNS, its departments and its years."""
    (
        mid,
        key,
        plan,
        node,
        number,
        repeat_of,
        name,
        numeric,
        summary,
        vision,
        related,
        hito,
        kane,
        mono,
        joho,
        retired,
        position,
    ) = row
    flags = {"hito": hito, "kane": kane, "mono": mono, "joho": joho}
    m = Measure(
        id=mid,
        key=key,
        plan_id=plan,
        node_id=node,
        number=number,
        repeat_of=repeat_of,
        name=name,
        numeric=bool(numeric),
        departments=tuple(deps.get(mid, ())),
        summary=summary,
        vision=vision,
        related_plans=tuple(json.loads(related)),
        resources=frozenset(r for r, on in flags.items() if on),
        retired=bool(retired),
        position=position,
        years=years.get(mid, {}),
    )
    return with_series(m, series)


def all_measures(plan_id: int, department: str | None = None) -> list[Measure]:
    """Every measure of a plan, complete, in printed order (for export and printing); with
    `department`, only the measures that department holds (a joint measure belongs to each
    of its departments), read with that filter in the query, not after reading all.

    Plain tuples from the cursor (building peewee model instances was most of the read of
    a 20,000-measure export); values converted as the models' fields convert them."""
    where, args = "m.plan_id = ?", [plan_id]
    if department is not None:
        where += f" AND {_HELD_BY}"
        args.append(department)
    db = DbMeasure._meta.database
    deps: dict[int, list[str]] = defaultdict(list)
    for mid, name in db.execute_sql(
        "SELECT md.measure_id, d.name FROM measure_department md "
        "JOIN department d ON d.id = md.department_id JOIN measure m ON m.id = md.measure_id "
        f"WHERE {where} ORDER BY md.measure_id, md.position",
        args,
    ):
        deps[mid].append(name)
    years: dict[int, dict[int, YearRecord]] = defaultdict(dict)
    for mid, *year in db.execute_sql(
        "SELECT y.measure_id, y.fy, y.plan_text, y.result_text, y.status, y.target, y.actual "
        f"FROM measure_year y JOIN measure m ON m.id = y.measure_id WHERE {where}",
        args,
    ):
        years[mid][year[0]] = year_record(*year)
    series = read_series(where, args)
    return [
        _measure_of(row, deps, years, series)
        for row in db.execute_sql(
            f"SELECT {_MEASURE_COLUMNS} FROM measure m JOIN node n ON n.id = m.node_id "
            f"WHERE {where} ORDER BY n.position, m.position",
            args,
        )
    ]


def measures_by_ids(ids: list[int]) -> list[Measure]:
    """The measures with these ids, complete, in the order of `ids` (unknown ids left out).

    For reading a long selection in batches (printing): plain SQL on the cursor, three
    queries per call, whatever the batch's size up to SQLite's parameter limit."""
    if not ids:
        return []
    deps = _departments_by_measure(ids)
    years: dict[int, dict[int, YearRecord]] = defaultdict(dict)
    for mid, *year in _sql(
        "SELECT y.measure_id, y.fy, y.plan_text, y.result_text, y.status, y.target, y.actual "
        "FROM measure_year y WHERE {where}",
        "1 = 1",
        [],
        ids,
        "y.measure_id",
    ):
        years[mid][year[0]] = year_record(*year)
    series = read_series("1 = 1", [], ids)
    found = {
        row[0]: _measure_of(row, deps, years, series)
        for row in _sql(
            f"SELECT {_MEASURE_COLUMNS} FROM measure m WHERE {{where}}", "1 = 1", [], ids, "m.id"
        )
    }
    return [found[i] for i in ids if i in found]


def _in_printed_order(query, plan_id: int):
    """Measures grouped by their node in the hierarchy's order, then by their own order: a
    measure moved to another 小項目, or added to a new one, lists with it."""
    return (
        query.join(DbNode, on=(DbMeasure.node == DbNode.id))
        .where(DbMeasure.plan == plan_id)
        .order_by(DbNode.position, DbMeasure.position)
    )


def measure_id_by_key(plan_id: int, key: str) -> int | None:
    row = DbMeasure.get_or_none((DbMeasure.plan == plan_id) & (DbMeasure.key == key))
    return row.id if row else None


# ---- field access -------------------------------------------------------


def _year_row(measure_id: int, fy: int, create: bool) -> DbMeasureYear | None:
    row = DbMeasureYear.get_or_none(
        (DbMeasureYear.measure == measure_id) & (DbMeasureYear.fy == fy)
    )
    if row is None and create:
        row = DbMeasureYear.create(measure=measure_id, fy=fy)
    return row


def read_field(measure_id: int, field: str, fy: int | None) -> object:
    """Current value of a field in the same form FieldChange carries it (domain.values.field_value
    over only the rows that field needs: one query for a year field)."""
    if F.is_year_field(field):
        row = _year_row(measure_id, fy, create=False) if fy is not None else None
        shell = Measure(
            id=measure_id,
            key="",
            plan_id=0,
            node_id=0,
            number=None,
            repeat_of=None,
            name="",
            numeric=False,
            departments=(),
            years={row.fy: _year_record(row)} if row is not None else {},
        )
        if field in (F.ACTUAL, F.TARGET) or F.split_series(field) is not None:
            shell = with_series(shell, read_series("m.id = ?", [measure_id]))
        return field_value(shell, field, fy)
    m = DbMeasure.get_by_id(measure_id)
    deps = (
        _departments_by_measure([measure_id]).get(measure_id, ()) if field == "departments" else ()
    )
    return field_value(
        _measure(m, deps, []), field, node_key=m.node.key if field == "node" else None
    )


def _indicator_id(measure_id: int, field: str) -> int:
    """The indicator row a value field writes to: ACTUAL is the measure's first indicator."""
    series = F.split_series(field)
    q = DbIndicator.select(DbIndicator.id).where(DbIndicator.measure == measure_id)
    if series is not None:
        q = q.where(DbIndicator.key == series[1])
    row = q.order_by(DbIndicator.position).first()
    if row is None:
        raise InvalidValue(f"この取組にはその指標がありません: {F.label(field)}", field=field)
    return int(row.id)


def _write_value(measure_id: int, field: str, fy: int, value: object) -> None:
    indicator = _indicator_id(measure_id, field)
    column = "figure" if field.startswith(F.FIGURE + ":") else "actual"
    DbIndicatorValue.insert(indicator=indicator, fy=fy, **{column: value}).on_conflict(
        conflict_target=[DbIndicatorValue.indicator, DbIndicatorValue.fy],
        update={getattr(DbIndicatorValue, column): value},
    ).execute()


def _write_field(measure_id: int, field: str, fy: int | None, value: object) -> None:
    if field == F.ACTUAL or F.split_series(field) is not None:
        if fy is None:
            raise InvalidValue(f"{F.label(field)}には年度が必要です", field=field)
        _write_value(measure_id, field, fy, value)
        return
    if field == F.TARGET:
        raise InvalidValue("目標値は指標の定義で変わります（年度ごとの目標値の欄はありません）")
    if field in F.YEAR_FIELDS:
        _year_row(measure_id, fy or 0, create=True)
        # this one column, not the whole row: on a server a department may update only
        # its result columns (column privileges), and a row save would name them all
        DbMeasureYear.update({getattr(DbMeasureYear, field): value}).where(
            (DbMeasureYear.measure == measure_id) & (DbMeasureYear.fy == (fy or 0))
        ).execute()
        return
    m = DbMeasure.get_by_id(measure_id)
    if field == "related_plans":
        m.related_plans = json.dumps(list(value or []), ensure_ascii=False)
    elif field == "resources":
        for r in ("hito", "kane", "mono", "joho"):
            setattr(m, f"res_{r}", r in (value or []))
    elif field == "departments":
        _relink_departments(measure_id, list(value or []))
        return
    elif field == "indicators":
        defs = tuple(indicator_from_dict(d) for d in value or [])  # type: ignore[attr-defined]
        put_indicators(m.plan_id, measure_id, defs)
        return
    elif field == "node":
        node = DbNode.get_or_none((DbNode.plan == m.plan_id) & (DbNode.key == value))
        if node is None:
            raise InvalidValue(f"体系が見つかりません: {value}")
        m.node = node
    else:
        setattr(m, field, value)
    m.save()


def _current(c: F.FieldChange) -> object:
    if c.indicator_id is not None:
        return owned.current(c)
    if c.node_id is not None:
        return _node_row(c.node_id).title
    return read_field(c.measure_id, c.field, c.fy)


def _node_row(node_id: int) -> DbNode:
    node = DbNode.get_or_none(DbNode.id == node_id)
    if node is None:
        raise NotFound(f"体系が見つかりません: {node_id}")
    return node


def _write(c: F.FieldChange) -> None:
    if c.indicator_id is not None:
        owned.write(c)
        return
    if c.node_id is None:
        _write_field(c.measure_id, c.field, c.fy, c.new)
        return
    if c.field != "title":
        raise InvalidValue(f"体系の項目は名称だけ変更できます: {c.field}")
    node = _node_row(c.node_id)
    node.title = c.new
    node.save()


def _relink_departments(measure_id: int, names: list[str]) -> None:
    # none is allowed: an item of a later plan is the secretariat's until it assigns one
    found = {d.name: d.id for d in DbDepartment.select().where(DbDepartment.name.in_(names))}
    for name in names:
        if name not in found:
            pos = (DbDepartment.select(fn.MAX(DbDepartment.position)).scalar() or 0) + 1
            found[name] = DbDepartment.create(name=name, position=pos).id
    DbMeasureDepartment.delete().where(DbMeasureDepartment.measure == measure_id).execute()
    for i, name in enumerate(names):
        DbMeasureDepartment.create(measure=measure_id, department=found[name], position=i)


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def same_value(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return float(a) == float(b)
    return a == b


# ---- writes -------------------------------------------------------------


def apply_changes(
    db: Database,
    changes: list[F.FieldChange],
    actor: Actor,
    source: str,
    description: str = "",
    *,
    undoes: int | None = None,
    created: list[tuple[int, str]] | None = None,
    created_nodes: list[tuple[int, str]] | None = None,
    closed_ok: bool = False,
) -> int | None:
    """Write `changes` atomically as one batch; returns its id, or None if nothing changed.

    A change of a closed fiscal year's value is refused (PermissionDenied, nothing written)
    unless `closed_ok` (a department PC taking the secretariat's master workbook).

    `created` / `created_nodes` name measures / nodes inserted in the same transaction
    (id, "No.91 name"): the batch records their creation too, which makes it one that
    cannot be undone.
    Raises ConflictError (and writes nothing) if a field no longer holds `change.old`.
    """
    changes = [c for c in changes if not same_value(c.old, c.new)]
    if not changes and not created and not created_nodes:
        return None
    with write_transaction(db):
        if not closed_ok:
            fiscal_years.check_open(changes)  # a closed year's values stay as they are
        kept = []
        for c in changes:
            current = _current(c)
            if same_value(current, c.new):
                continue  # someone already saved exactly this: nothing to write, no conflict
            kept.append(c)
            if not same_value(current, c.old):
                raise ConflictError(
                    f"{F.label(c.field)}は他で変更されています。画面を開き直してください",
                    measure_id=c.measure_id,
                    field=c.field,
                    fy=c.fy,
                    current=current,
                    mine=c.new,
                )
        changes = kept
        if not changes and not created and not created_nodes:
            return None
        batch = DbBatch.create(
            at=now_iso(),
            user=actor.user,
            role=actor.role,
            source=source,
            description=description,
            undoes=undoes,
        )
        for measure_id, caption in created or ():
            DbChange.create(
                batch=batch,
                measure=measure_id,
                fy=None,
                field="created",
                old=_dump(None),
                new=_dump(caption),
            )
        for node_id, caption in created_nodes or ():
            DbNodeChange.create(
                batch=batch, node=node_id, field="created", old=_dump(None), new=_dump(caption)
            )
        for c in changes:
            _write(c)
            if c.indicator_id is not None:
                owned.record(batch, c, _dump)
            elif c.node_id is not None:
                DbNodeChange.create(
                    batch=batch, node=c.node_id, field=c.field, old=_dump(c.old), new=_dump(c.new)
                )
            else:
                DbChange.create(
                    batch=batch,
                    measure=c.measure_id,
                    fy=c.fy,
                    field=c.field,
                    old=_dump(c.old),
                    new=_dump(c.new),
                )
        if undoes is not None:
            DbBatch.update(undone_by=batch.id).where(DbBatch.id == undoes).execute()
        return batch.id


def _load(text: str | None) -> object:
    return json.loads(text) if text is not None else None


def batch_changes(batch_id: int) -> list[F.FieldChange]:
    """A batch's changes in the order written (measure fields, then node titles, then the
    values of indicators no measure owns)."""
    q = DbChange.select().where(DbChange.batch == batch_id).order_by(DbChange.id)
    out = [
        F.FieldChange(
            measure_id=c.measure_id, field=c.field, fy=c.fy, old=_load(c.old), new=_load(c.new)
        )
        for c in q
    ]
    q = DbNodeChange.select().where(DbNodeChange.batch == batch_id).order_by(DbNodeChange.id)
    return (
        out
        + [
            F.FieldChange(
                measure_id=0, field=c.field, old=_load(c.old), new=_load(c.new), node_id=c.node_id
            )
            for c in q
        ]
        + owned.batch_changes(batch_id, _load)
    )


def batch_info(batch_id: int) -> DbBatch | None:
    return DbBatch.get_or_none(DbBatch.id == batch_id)


def latest_batch() -> tuple[int, str] | None:
    """(id, ISO time) of the newest change batch, None before any change: the data's version."""
    row = DbBatch.select(DbBatch.id, DbBatch.at).order_by(DbBatch.id.desc()).first()
    return (row.id, row.at) if row else None


def history(measure_id: int) -> list[HistoryEntry]:
    """A measure's changes, and the renames of the 方針/項目/小項目 above it, newest first."""
    q = DbChange.select(DbChange, DbBatch).join(DbBatch).where(DbChange.measure == measure_id)
    keyed = [
        (
            (c.batch.id, 1, c.id),
            HistoryEntry(
                batch_id=c.batch.id,
                at=c.batch.at,
                user=c.batch.user,
                role=c.batch.role,
                source=c.batch.source,
                measure_id=c.measure_id,
                fy=c.fy,
                field=c.field,
                old=_load(c.old),
                new=_load(c.new),
                undone=c.batch.undone_by is not None,
            ),
        )
        for c in q
    ]
    path = _path_nodes(DbMeasure.get_by_id(measure_id).node_id)
    if path:
        q = (
            DbNodeChange.select(DbNodeChange, DbBatch)
            .join(DbBatch)
            .where(DbNodeChange.node.in_(list(path)))
        )
        keyed += [
            (
                (c.batch.id, 0, c.id),
                HistoryEntry(
                    batch_id=c.batch.id,
                    at=c.batch.at,
                    user=c.batch.user,
                    role=c.batch.role,
                    source=c.batch.source,
                    measure_id=measure_id,
                    fy=None,
                    field=c.field,
                    old=_load(c.old),
                    new=_load(c.new),
                    undone=c.batch.undone_by is not None,
                    node=path[c.node_id],
                ),
            )
            for c in q
        ]
    return [e for _, e in sorted(keyed, key=lambda k: k[0], reverse=True)]


def owned_series(plan_id: int) -> list[owned.OwnedSeries]:
    """The plan's indicators no measure owns (基本目標's 数値目標, plan KPIs), with values."""
    return owned.series(plan_id)


def owned_history(plan_id: int) -> list[HistoryEntry]:
    """The changes of those indicators' values, newest first."""
    return owned.history(plan_id, _load)


def _path_nodes(node_id: int) -> dict[int, str]:
    """The node and its ancestors: id -> '小項目 ①'-style caption of its level and label."""
    out: dict[int, str] = {}
    node = DbNode.get_or_none(DbNode.id == node_id)
    levels = json.loads(node.plan.levels) if node else []
    while node is not None and node.id not in out:
        level = levels[node.level - 1] if 0 < node.level <= len(levels) else ""
        out[node.id] = f"{level} {node.label}".strip()
        node = node.parent
    return out


# ---- drafts -------------------------------------------------------------


def _owner(db: Database) -> object:
    """Whose drafts: the login on a server (its row policies accept no other), '' in a file."""
    return SQL("session_user") if is_server(db) else ""


def put_draft(db: Database, measure_id: int, fy: int | None, field: str, text: str) -> None:
    with write_transaction(db):
        at = now_iso()
        DbDraft.insert(
            owner=_owner(db), measure=measure_id, fy=fy or 0, field=field, text=text, updated_at=at
        ).on_conflict(
            conflict_target=[DbDraft.owner, DbDraft.measure, DbDraft.fy, DbDraft.field],
            update={DbDraft.text: text, DbDraft.updated_at: at},
        ).execute()


def drop_drafts(
    db: Database, measure_id: int, keys: list[tuple[int | None, str]] | None = None
) -> None:
    """Forget this person's drafts of a measure (another login's typing stays theirs)."""
    mine = (DbDraft.owner == _owner(db)) & (DbDraft.measure == measure_id)
    with write_transaction(db):
        if keys is None:
            DbDraft.delete().where(mine).execute()
            return
        for fy, field in keys:
            DbDraft.delete().where(
                mine & (DbDraft.fy == (fy or 0)) & (DbDraft.field == field)
            ).execute()


def drafts(db: Database) -> dict[int, dict[tuple[int | None, str], str]]:
    """This person's drafts, by measure."""
    out: dict[int, dict[tuple[int | None, str], str]] = defaultdict(dict)
    for d in DbDraft.select().where(DbDraft.owner == _owner(db)):
        out[d.measure_id][(d.fy or None, d.field)] = d.text
    return dict(out)


def create_measure(
    db: Database,
    plan_id: int,
    node_key: str,
    name: str,
    departments: list[str],
    numeric: bool,
    actor: Actor,
) -> int:
    """Add a measure at the end of its node with the next free number; logged as a batch."""
    with write_transaction(db):
        node = _node(plan_id, node_key)
        number = (
            DbMeasure.select(fn.MAX(DbMeasure.number)).where(DbMeasure.plan == plan_id).scalar()
            or 0
        ) + 1
        after = (
            DbMeasure.select(fn.MAX(DbMeasure.position))
            .where((DbMeasure.plan == plan_id) & (DbMeasure.node == node))
            .scalar()
        )
        if after is None:
            after = (
                DbMeasure.select(fn.MAX(DbMeasure.position))
                .where(DbMeasure.plan == plan_id)
                .scalar()
                or 0
            )
        DbMeasure.update(position=DbMeasure.position + 1).where(
            (DbMeasure.plan == plan_id) & (DbMeasure.position > after)
        ).execute()
        m = insert_measure(
            plan_id,
            key=f"No.{number}",
            node_key=node_key,
            number=number,
            repeat_of=None,
            name=name,
            departments=departments,
            numeric=numeric,
            position=after + 1,
        )
        apply_changes(
            db, [], actor, "form", f"取組を追加 No.{number}", created=[(m, f"No.{number} {name}")]
        )
        return m


def _node(plan_id: int, node_key: str) -> DbNode:
    node = DbNode.get_or_none((DbNode.plan == plan_id) & (DbNode.key == node_key))
    if node is None:
        raise InvalidValue(f"体系が見つかりません: {node_key}")
    return node


def insert_measure(
    plan_id: int,
    *,
    key: str,
    node_key: str,
    number: int | None,
    repeat_of: int | None,
    name: str,
    departments: list[str],
    numeric: bool,
    position: int,
    indicators: tuple[Indicator, ...] = (),
) -> int:
    """Insert a measure with empty texts and years; call inside a write transaction and log
    it through apply_changes(created=...)."""
    if DbMeasure.get_or_none((DbMeasure.plan == plan_id) & (DbMeasure.key == key)) is not None:
        raise InvalidValue(f"取組「{key}」はすでにあります")
    m = DbMeasure.create(
        plan=plan_id,
        key=key,
        node=_node(plan_id, node_key),
        number=number,
        repeat_of=repeat_of,
        name=name,
        numeric=numeric,
        position=position,
    )
    _relink_departments(m.id, departments)
    put_indicators(plan_id, m.id, indicators)
    plan = DbPlan.get_by_id(plan_id)
    for fy in range(plan.first_fy, plan.last_fy + 1):
        DbMeasureYear.create(measure=m, fy=fy)
    return m.id


def put_indicators(plan_id: int, measure_id: int, indicators: tuple[Indicator, ...]) -> None:
    """Set the definitions of a measure's indicators (a sync from the master workbook, or a
    measure inserted): definitions change, values of a kept key stay; an indicator the
    definitions no longer name is removed with its values."""
    keys = [i.key for i in indicators]
    gone = DbIndicator.select(DbIndicator.id, DbIndicator.key).where(
        (DbIndicator.measure == measure_id) & DbIndicator.key.not_in(keys)
    )
    with_values = [
        i.key
        for i in gone
        if DbIndicatorValue.select()
        .where(
            (DbIndicatorValue.indicator == i.id)
            & (DbIndicatorValue.actual.is_null(False) | DbIndicatorValue.figure.is_null(False))
        )
        .exists()
    ]
    if with_values:  # its values would go with it, and an undo brings back only the definition
        raise InvalidValue(
            f"実績値が入力されている指標は削除できません（{'、'.join(with_values)}）。"
            "先に実績値を消してください"
        )
    DbIndicator.delete().where(DbIndicator.id.in_([i.id for i in gone])).execute()
    for pos, ind in enumerate(indicators):
        text = json.dumps(indicator_to_dict(ind), ensure_ascii=False)
        found = DbIndicator.get_or_none(
            (DbIndicator.plan == plan_id) & (DbIndicator.key == ind.key)
        )
        if found is None:
            DbIndicator.create(
                plan=plan_id, key=ind.key, measure=measure_id, position=pos, definition=text
            )
        elif found.measure_id != measure_id:
            raise InvalidValue(f"指標「{ind.key}」は別の取組のものです")
        else:
            found.position, found.definition = pos, text
            found.save()


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def next_child(plan_id: int, parent_key: str) -> tuple[str, int, str]:
    """(key, level, label) for a new child of `parent_key`, numbered after its children:
    項目 as '(n)', 小項目 as '①'… like the plan."""
    parent = _node(plan_id, parent_key)
    children = list(DbNode.select().where(DbNode.parent == parent))
    taken = [int(c.key.rsplit("-", 1)[-1]) for c in children if c.key.rsplit("-", 1)[-1].isdigit()]
    n = max(taken + [len(children)]) + 1
    level = parent.level + 1
    label = _CIRCLED[n - 1] if level >= 3 and n <= len(_CIRCLED) else f"({n})"
    return f"{parent.key}-{n}", level, label


def insert_node(
    plan_id: int,
    *,
    key: str,
    parent_key: str,
    level: int,
    label: str,
    title: str,
    position: int | None = None,
) -> int:
    """Insert a node (after its parent's last descendant unless `position` is given); call
    inside a write transaction and log it through apply_changes(created_nodes=...)."""
    if DbNode.get_or_none((DbNode.plan == plan_id) & (DbNode.key == key)) is not None:
        raise InvalidValue(f"体系「{key}」はすでにあります")
    parent = _node(plan_id, parent_key) if parent_key else None
    if position is None:
        rows = list(DbNode.select().where(DbNode.plan == plan_id).order_by(DbNode.position))
        under = {parent.id} if parent else set()
        position = parent.position if parent else 0
        for r in rows:
            if r.parent_id in under:
                under.add(r.id)
                position = max(position, r.position)
        position += 1
        DbNode.update(position=DbNode.position + 1).where(
            (DbNode.plan == plan_id) & (DbNode.position >= position)
        ).execute()
    return DbNode.create(
        plan=plan_id,
        key=key,
        parent=parent,
        level=level,
        label=label,
        title=title,
        position=position,
    ).id


def set_node_positions(plan_id: int, positions: dict[str, int]) -> None:
    """Order nodes as another database does (key -> position); inside a write transaction."""
    for key, pos in positions.items():
        DbNode.update(position=pos).where(
            (DbNode.plan == plan_id) & (DbNode.key == key) & (DbNode.position != pos)
        ).execute()


def set_glossary(plan_id: int, glossary: Glossary) -> None:
    """Replace the plan's 用語解説 (a department's sync); inside a write transaction."""
    text = json.dumps(glossary_to_list(glossary), ensure_ascii=False)
    DbPlan.update(glossary=text).where(DbPlan.id == plan_id).execute()


def set_positions(plan_id: int, positions: dict[str, int]) -> None:
    """Order measures as another database does (key -> position); inside a write transaction."""
    for key, pos in positions.items():
        DbMeasure.update(position=pos).where(
            (DbMeasure.plan == plan_id) & (DbMeasure.key == key) & (DbMeasure.position != pos)
        ).execute()
