"""見える化: every number the dashboard's charts show, computed headless as plain data.

    board = dashboard(desk, today=date(2026, 11, 30))
    board.status[0].bars[2025].segments      # 全体, R7: 達成 / 未達成 / 未確定 with the ids
    board.tables()                           # the same numbers as tables (copy, CSV)

Per level-1 node of the plan (方針 / 基本目標 / 基本方針: `plan.levels[0]`) and fiscal year:
- the measures' 計画達成状況 counted (達成 / 未達成 / 未確定) with the rate 達成 / (達成+未達成),
  None when both are 0; retired measures and 【再掲】 rows are left out (a re-listing is the
  same measure twice);
- the indicators' verdicts counted (達成 / 未達成 / 未入力 / 判定不可), one per indicator and
  year exactly as services.indicators.indicator_rows judges them; the plan's own 数値目標 (a
  基本目標's, the plan's KPIs) count overall and under their 基本目標;
the first group of each is the whole plan (全体). Per department: the measures it holds and
those whose 実施結果 of the current fiscal year is still to write; for the secretariat the
回収状況 counts (services.exchange.status, read only).

Measures are counted from the rows the desk keeps in memory (Desk.rows(): the role's own
measures; a department sees its own), never by reading every measure; only the indicators'
definitions and values are read. Each segment of a bar keeps what it stands for (`refs`, see
Dashboard.items) so a click on it can list the measures behind it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain import judgement as J
from ..domain.dashboard import (
    COLLECTION_ORDER,
    DEPARTMENT,
    INDICATOR,
    MEASURE,
    OVERALL,
    STATUS_ORDER,
    UNASSIGNED,
    VERDICT_ORDER,
    Bar,
    Dashboard,
    DepartmentLoad,
    Group,
    IndicatorView,
    Segment,
    Table,
)
from ..domain.errors import InvalidValue
from ..domain.fiscal import current_fiscal_year, long_label
from ..domain.indicator import Indicator
from ..domain.judgement import Verdict
from ..domain.model import MeasureRow, Node
from ..domain.status import Status
from ..store import repository as repo
from .csv_files import save_csv

if TYPE_CHECKING:
    from .desk import Desk

# ---- computing ---------------------------------------------------------------------------


def dashboard(
    desk: Desk,
    *,
    today: date | None = None,
    year: int | None = None,
    reuse_collection: Dashboard | None = None,
) -> Dashboard:
    """Everything the 見える化 tab shows for the desk's plan and role; the results still to
    write are those of `year` (default: the current fiscal year of `today`, within the plan's
    years). A year outside the plan is refused (InvalidValue). `reuse_collection`: a board
    of the same plan whose 回収状況 still holds (no exchange changed since): not read again."""
    plan = desk.plan
    years = plan.years
    fy_now = _year(years, today, year)
    nodes = desk.nodes()
    top = _top_nodes(nodes)
    firsts = [n for n in nodes if n.level == 1]
    rows = [r for r in desk.rows() if not r.retired and r.repeat_of is None]
    names = {r.id: f"{r.number_label} {r.display_name}" for r in rows}
    status = _status_groups(rows, firsts, top, years)
    role = desk.role
    secretariat = role is not None and role.is_secretariat
    views = _indicator_views(desk, rows, top, years, with_plan_own=secretariat)
    verdicts = _verdict_groups(views, firsts, years)
    departments = _departments(rows, fy_now, None if secretariat else role)
    collection: Bar | None = None
    collected: tuple[str, ...] = ()
    if secretariat and reuse_collection is not None and reuse_collection.collection is not None:
        collection, collected = reuse_collection.collection, reuse_collection.collected
    elif secretariat:
        collection, collected = _collection(desk, fy_now)
    return Dashboard(
        plan_name=plan.name,
        level=plan.levels[0] if plan.levels else "",
        item=plan.item,
        years=years,
        current_fy=fy_now,
        status=status,
        verdicts=verdicts,
        indicators=tuple(views),
        departments=departments,
        collection=collection,
        names=names,
        collected=collected,
    )


def department_loads(
    desk: Desk, *, today: date | None = None, year: int | None = None
) -> tuple[DepartmentLoad, ...]:
    """Only the per-department results still to write (another year chosen: nothing else
    changes)."""
    fy = _year(desk.plan.years, today, year)
    role = desk.role
    rows = [r for r in desk.rows() if not r.retired and r.repeat_of is None]
    return _departments(rows, fy, None if role is None or role.is_secretariat else role)


def _year(years: tuple[int, ...], today: date | None, year: int | None) -> int:
    if year is not None and year not in years:
        raise InvalidValue(f"{long_label(year)}は計画の期間外です", fy=year)
    return year if year is not None else current_fiscal_year(years, today)


def _top_nodes(nodes: list[Node]) -> dict[int, Node]:
    """Every node id -> its level-1 ancestor (itself for a level-1 node)."""
    by_id = {n.id: n for n in nodes}
    out: dict[int, Node] = {}
    for n in nodes:
        seen, cur = set(), n
        while cur.parent_id is not None and cur.parent_id in by_id and cur.id not in seen:
            seen.add(cur.id)
            cur = by_id[cur.parent_id]
        out[n.id] = cur
    return out


def _status_groups(
    rows: list[MeasureRow], firsts: list[Node], top: dict[int, Node], years: tuple[int, ...]
) -> tuple[Group, ...]:
    ids: dict[tuple[str, int, Status], list[int]] = {}
    for r in rows:
        node = top.get(r.node_id)
        for fy in years:
            s = r.statuses.get(fy, Status.PENDING)
            ids.setdefault((OVERALL, fy, s), []).append(r.id)
            if node is not None:
                ids.setdefault((node.label, fy, s), []).append(r.id)
    return _groups(ids, firsts, years, STATUS_ORDER, MEASURE)


def _groups(
    refs: dict[tuple[str, int, Any], list[int]],
    firsts: list[Node],
    years: tuple[int, ...],
    order: tuple[Any, ...],
    what: str,
) -> tuple[Group, ...]:
    """Overall, then per level-1 node: a stacked bar per year with a segment per category of
    `order` (Status or Verdict), each holding the refs counted under (label, year, category)."""
    groups = [(OVERALL, "")] + [(n.label, n.title) for n in firsts]
    return tuple(
        Group(
            label,
            title,
            {
                fy: Bar(
                    label,
                    fy,
                    tuple(
                        Segment(c.value, c.label, tuple(refs.get((label, fy, c), ())), what)
                        for c in order
                    ),
                )
                for fy in years
            },
        )
        for label, title in groups
    )


def _indicator_views(
    desk: Desk,
    rows: list[MeasureRow],
    top: dict[int, Node],
    years: tuple[int, ...],
    *,
    with_plan_own: bool,
) -> list[IndicatorView]:
    """The indicators in indicator_rows' order: the plan's own first (secretariat only, as
    indicator_rows leaves them out for a department), then each measure's."""
    out: list[IndicatorView] = []
    plan = desk.plan
    if with_plan_own:
        for s in repo.owned_series(plan.id):
            node = top.get(s.node_id) if s.node_id is not None else None
            out.append(
                _view(
                    s.indicator,
                    node.label if node is not None else "計画全体",
                    None,
                    node.label if node is not None else "",
                    s.actuals,
                    s.figures,
                    years,
                )
            )
    series = repo.read_series("m.plan_id = ?", [plan.id])
    for r in rows:
        defs = series.defs.get(r.id)
        if not defs:
            continue
        node = top.get(r.node_id)
        actuals, figures = series.actuals.get(r.id, {}), series.figures.get(r.id, {})
        for ind in defs:
            out.append(
                _view(
                    ind,
                    r.number_label,
                    r.id,
                    node.label if node is not None else "",
                    actuals.get(ind.key, {}),
                    figures.get(ind.key, {}),
                    years,
                )
            )
    return out


def _view(
    ind: Indicator,
    owner: str,
    measure_id: int | None,
    group: str,
    actuals: dict[int, float],
    figures: dict[int, float],
    years: tuple[int, ...],
) -> IndicatorView:
    return IndicatorView(
        indicator=ind,
        owner=owner,
        measure_id=measure_id,
        group=group,
        years=years,
        actuals=dict(actuals),
        figures=dict(figures) if ind.figure_name else {},
        verdicts={fy: J.judge(ind, fy, actuals, figures) for fy in years},
    )


def _verdict_groups(
    views: list[IndicatorView], firsts: list[Node], years: tuple[int, ...]
) -> tuple[Group, ...]:
    refs: dict[tuple[str, int, Verdict], list[int]] = {}
    for i, v in enumerate(views):
        for fy in years:
            verdict = v.verdicts[fy].verdict
            refs.setdefault((OVERALL, fy, verdict), []).append(i)
            if v.group:
                refs.setdefault((v.group, fy, verdict), []).append(i)
    return _groups(refs, firsts, years, VERDICT_ORDER, INDICATOR)


def _departments(rows: list[MeasureRow], fy: int, role: object) -> tuple[DepartmentLoad, ...]:
    """Per department holding a measure: how many, and which have no 実施結果 for `fy`; a
    department's PC lists only itself. Most to write first, then by name order of the rows."""
    own = getattr(role, "department", None)
    held: dict[str, int] = {}
    todo: dict[str, list[int]] = {}
    for r in rows:
        for d in r.departments or (UNASSIGNED,):  # a later plan's item nobody was given yet
            if own is not None and d != own:
                continue
            held[d] = held.get(d, 0) + 1
            if fy not in r.written:
                todo.setdefault(d, []).append(r.id)
    order = {d: i for i, d in enumerate(held)}
    return tuple(
        sorted(
            (DepartmentLoad(d, n, tuple(todo.get(d, ()))) for d, n in held.items()),
            key=lambda x: (-len(x.to_write), order[x.department]),
        )
    )


def _collection(desk: Desk, fy: int) -> tuple[Bar, tuple[str, ...]]:
    """回収状況 counted by state, and the departments its segments' refs index."""
    from .exchange.status import collection_status  # the secretariat's only

    found = collection_status(desk)
    by_state: dict[str, list[int]] = {}
    for i, st in enumerate(found):
        by_state.setdefault(st.state, []).append(i)
    bar = Bar(
        "回収状況",
        fy,
        tuple(Segment(w, w, tuple(by_state.get(w, ())), DEPARTMENT) for w in COLLECTION_ORDER),
    )
    return bar, tuple(s.department for s in found)


def write_csv(path: Path, tables: Iterable[Table]) -> Path:
    """The tables as Excel's CSV (services/csv_files: UTF-8 with BOM, CRLF, written whole or
    not at all), laid out as tsv() does: each table's title, header and rows, a blank line
    between tables; OutputError (Japanese) when the file cannot be written."""
    rows: list[list[str]] = []
    for i, t in enumerate(tables):
        if i:
            rows.append([])
        rows.append([t.title])
        rows += [list(r) for r in t.lines()]
    return save_csv(path, rows)
