"""Export the shared workbook: the master, or one department's part (see docs/workbook.md).

`export_workbook(desk, out, department=None, progress=None)`:

* on the secretariat's database: the master workbook (every measure, the result cells
  of every current measure unlocked), or with `department` that department's part;
* on a department's database: its own part (`department` must be omitted or its own).
  The merge base carried in the file is what this PC last received from the master
  workbook (exchange_base), so the secretariat applies exactly what the department
  changed since; `origin_uid` names the secretariat's database it came from.

Both take `deadline` (a date: the round's 回収期限, secretariat only, not before `today`):
it is logged on each export row (回収状況 reads it) and written into the workbook's
記入のしかた and print headers. Without it the workbook says nothing about a deadline.

`export_departments(desk, folder, progress)` writes one workbook per department in one
step, named `<plan>_<department>_<date>.xlsx`. Every export is logged (回収状況), and its
manifest is registered with it (`register`): a workbook that comes back claiming to be from
this database must carry exactly a manifest it issued.

A target that is a folder or a database (services.targets) is refused before anything is
written. The workbook is written to a temporary beside the target (files.staging: the
user's umask, a killed run's swept by the next export there) and renamed into place inside
the transaction that logs it: a locked database or a full disk leaves no new workbook, and
a workbook in place is always logged.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ...domain import fields as F
from ...domain.changes import Changes
from ...domain.deadline import deadline_label
from ...domain.errors import Cancelled, InvalidValue, PermissionDenied, StoreError
from ...domain.fiscal import short_label
from ...domain.indicator import Indicator, era_label, indicator_to_dict
from ...domain.judgement import of_indicator
from ...domain.model import Measure, Node, Plan
from ...domain.plan_sheet import sheet_to_dict
from ...domain.status import Status
from ...domain.values import actual_field, field_value, series_fields
from ...files import staging
from ...store import exchange_repo as xrepo
from ...store import fiscal_years as closed_years
from ...store import repository as repo
from ...store.connection import write_transaction
from ...workbook.indicator_sheet import IndicatorRow, decimals_of, row_digest, shown
from ...workbook.layout import (
    ICOL_ACTUAL,
    ICOL_FIGURE,
    INDICATOR_SHEET_NOTE,
    SCOPE_DEPARTMENT,
    SCOPE_MASTER,
)
from ...workbook.manifest import (
    Manifest,
    ManifestRow,
    MeasureDef,
    NodeDef,
    PlanDef,
    locked_digest,
)
from ...workbook.writer import EntryValues, WorkbookContent, save_workbook
from ..progress import Progress, step
from ..targets import check_target, output_error

if TYPE_CHECKING:
    from ..desk import Desk

ORIGIN_META = "origin_uid"
RESULT_FIELDS = (F.RESULT_TEXT, F.STATUS, F.ACTUAL)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    scope: str
    department: str
    rows: int


def editable_fields(m: Measure) -> frozenset[str]:
    """The cells a department may fill for a measure: none for 【再掲】 or retired ones;
    for a 【数値目標】 measure its indicators' actuals and outside figures too."""
    if m.is_repeat or m.retired:
        return frozenset()
    numbers = {F.ACTUAL, *series_fields(m)} if m.numeric else set()
    return frozenset({F.RESULT_TEXT, F.STATUS} | numbers)


def other_series(m: Measure) -> list[str]:
    """The indicator fields a manifest row carries beside 実績値: every indicator's actual but
    the first one's (that is `actual`), and each outside figure."""
    return [f for f in series_fields(m) if f != F.ACTUAL]


def _baseline_year(ind: Indicator) -> str:
    b = ind.baseline
    if b.year is not None:
        return era_label(b.year) + ("（累計）" if b.cumulative else "")
    return f"{era_label(b.starts)}開始" if b.starts is not None else ""


def indicator_rows(m: Measure, fy: int, editable: frozenset[str]) -> list[IndicatorRow]:
    """The 指標 rows of `m` in fiscal year `fy`, as this database holds the values now.

    One entry cell per value: 実績値 is an input cell only when the measure has several
    indicators (with one it is entered in 入力 and shown here locked)."""
    several = len(m.indicators) > 1
    out = []
    for ind in m.indicators:
        actual = actual_field(m, ind.key)
        figure = F.series_field(F.FIGURE, ind.key) if ind.figure_name else ""
        stated = [ind.baseline.value] + [getattr(t, "value", None) for t in ind.targets]
        out.append(
            IndicatorRow(
                key=ind.key,
                name=ind.name,
                unit=ind.unit,
                baseline=ind.baseline.value,
                baseline_year=_baseline_year(ind),
                fy=fy,
                target=ind.target_text(fy),
                actual=field_value(m, actual, fy),  # type: ignore[arg-type]
                verdict=of_indicator(m, ind, fy).label,
                figure=field_value(m, figure, fy) if figure else None,  # type: ignore[arg-type]
                figure_name=ind.figure_name,
                actual_open=several,
                figure_open=bool(figure),
                actual_editable=several and actual in editable,
                figure_editable=bool(figure) and figure in editable,
                decimals=decimals_of(
                    [v for v in stated if isinstance(v, int | float) and not isinstance(v, bool)]
                ),
            )
        )
    return out


def _digest(row: IndicatorRow) -> str:
    open_columns = {
        c for c, o in ((ICOL_ACTUAL, row.actual_open), (ICOL_FIGURE, row.figure_open)) if o
    }
    return row_digest(shown(row), open_columns)


def _scope(desk: Desk, department: str | None) -> tuple[str, str]:
    role = desk.role
    if role is None:
        raise PermissionDenied("このPCの役割（担当課／事務局）が設定されていません")
    if not role.is_secretariat:
        if department not in (None, role.department):
            raise PermissionDenied(f"担当課のPCでは自課（{role.department}）の分だけ書き出せます")
        return SCOPE_DEPARTMENT, role.department or ""
    if department is None:
        return SCOPE_MASTER, ""
    if department not in desk.departments():
        raise InvalidValue(f"担当課「{department}」はありません", department=department)
    return SCOPE_DEPARTMENT, department


def check_deadline(desk: Desk, deadline: date | None, today: date | None = None) -> None:
    """A deadline is the secretariat's to set, and not in the past (`today` itself is fine)."""
    if deadline is None:
        return
    role = desk.role
    if role is None or not role.is_secretariat:
        raise PermissionDenied("回収期限は事務局が設定します（担当課のPCでは指定できません）")
    if deadline < (today or date.today()):
        raise InvalidValue(
            f"回収期限が過去の日付です: {deadline_label(deadline)}", deadline=deadline.isoformat()
        )


def build_content(desk: Desk, scope: str, department: str) -> WorkbookContent:
    plan = desk.plan
    role = desk.role
    if scope == SCOPE_DEPARTMENT:  # its measures and their branches only, not the whole plan
        measures, nodes = desk.measures(department), repo.nodes(plan.id, department)
    else:
        measures, nodes = desk.measures(), desk.nodes()
    on_department_pc = role is not None and not role.is_secretariat
    base = xrepo.sync_base() if on_department_pc else {}
    sent = xrepo.sent_values() if on_department_pc else {}
    rows, entries = [], []
    by_indicator: dict[str, list[IndicatorRow]] = {}
    for m in measures:
        if m.is_repeat:
            continue
        editable = editable_fields(m)
        series = other_series(m)
        several = len(m.indicators) > 1
        for fy in plan.years:
            y = m.year(fy)
            fields = (*RESULT_FIELDS, *series)
            current = {f: field_value(m, f, fy) for f in fields}
            if on_department_pc:
                initial = {F.RESULT_TEXT: "", F.STATUS: Status.PENDING.value}
                b = {f: base.get((m.key, fy, f), initial.get(f)) for f in fields}
            else:
                b = current
            shown_rows = indicator_rows(m, fy, editable)
            for ir in shown_rows:
                by_indicator.setdefault(ir.key, []).append(ir)
            depts = "、".join(m.departments)
            target = INDICATOR_SHEET_NOTE if several else y.target
            rows.append(
                ManifestRow(
                    measure_key=m.key,
                    fy=fy,
                    editable=editable,
                    label=m.number_label,
                    locked=locked_digest(
                        m.number_label, m.name, depts, short_label(fy), y.plan_text, target
                    ),
                    result_text=str(b[F.RESULT_TEXT]),
                    status=str(b[F.STATUS]),
                    actual=b[F.ACTUAL],  # type: ignore[arg-type]
                    sent={f: sent[(m.key, fy, f)] for f in fields if (m.key, fy, f) in sent},
                    indicators=tuple((ir.key, _digest(ir)) for ir in shown_rows),
                    series={f: b[f] for f in series},  # type: ignore[misc]
                )
            )
            entries.append(
                EntryValues(
                    name=m.name,
                    departments=depts,
                    plan_text=y.plan_text,
                    target=target,
                    result_text=y.result_text,
                    status=y.status.value,
                    actual=None if several else y.actual,
                    shown={f: current[f] for f in fields},
                )
            )
    uid = desk.database_uid
    origin = (repo.get_meta(ORIGIN_META) or "") if on_department_pc else uid
    master = scope == SCOPE_MASTER
    manifest = Manifest(
        plan_code=plan.code,
        database_uid=uid,
        origin_uid=origin,
        scope=scope,
        department=department,
        issued_at=issue_time(),
        rows=tuple(rows),
        definitions=definitions(measures, nodes) if master else (),
        nodes=node_definitions(nodes) if master else (),
        plan=_plan_def(plan, closed_years.closed(plan.code)) if master else None,
    )
    return WorkbookContent(
        plan=plan,
        nodes=nodes,
        measures=measures,
        manifest=manifest,
        entries=entries,
        # indicator by indicator, each over the plan's years
        indicator_rows=[ir for irs in by_indicator.values() for ir in irs],
    )


def issue_time() -> str:
    """When a workbook is written, to the microsecond (its register number orders two
    workbooks of one database exactly; this orders workbooks of different databases)."""
    return datetime.now().astimezone().isoformat(timespec="microseconds")


def numbered(content: WorkbookContent) -> WorkbookContent:
    """The workbook with its number in this database's register (read, not yet written)."""
    return replace(
        content, manifest=replace(content.manifest, sequence=xrepo.next_issue_sequence())
    )


def register(content: WorkbookContent) -> None:
    """Keep the manifest's checksum as issued; inside the transaction that puts the file in
    place, so a failed export leaves the database as it was and a workbook in place is always
    registered. Two exports racing for one number: the second is refused (try again)."""
    man = content.manifest
    assert man.sequence is not None
    try:
        xrepo.register_issued(
            man.sequence,
            checksum=man.checksum(),
            scope=man.scope,
            department=man.department,
            issued_at=man.issued_at,
        )
    except xrepo.AlreadyRegistered as exc:
        raise StoreError("同時に別の書き出しが行われました。もう一度書き出してください") from exc


def node_definitions(nodes: Iterable[Node]) -> tuple[NodeDef, ...]:
    keys = {n.id: n.key for n in nodes}
    return tuple(
        NodeDef(
            key=n.key,
            parent=keys.get(n.parent_id, "") if n.parent_id else "",
            level=n.level,
            label=n.label,
            title=n.title,
            position=n.position,
        )
        for n in nodes
    )


def definitions(measures: list[Measure], nodes: Iterable[Node]) -> tuple[MeasureDef, ...]:
    """What a master workbook tells department PCs about every measure."""
    node_keys = {n.id: n.key for n in nodes}
    return tuple(
        MeasureDef(
            key=m.key,
            number=m.number,
            repeat_of=m.repeat_of,
            node=node_keys[m.node_id],
            name=m.name,
            departments=m.departments,
            summary=m.summary,
            vision=m.vision,
            related_plans=m.related_plans,
            resources=tuple(sorted(m.resources)),
            numeric=m.numeric,
            retired=m.retired,
            position=m.position,
            indicators=tuple(indicator_to_dict(i) for i in m.indicators),
        )
        for m in measures
    )


def _plan_def(plan: Plan, closed: dict[int, closed_years.Closing]) -> PlanDef:
    sheet = json.dumps(sheet_to_dict(plan.rows, plan.words), ensure_ascii=False)
    years = tuple((fy, c.at, c.user) for fy, c in sorted(closed.items()))
    glossary = tuple((e.mark, e.term, e.text) for e in plan.glossary)
    return PlanDef(
        plan.code,
        plan.name,
        plan.first_fy,
        plan.last_fy,
        plan.levels,
        plan.item,
        sheet,
        years,
        glossary,
    )


def export_workbook(
    desk: Desk,
    out: Path,
    department: str | None = None,
    progress: Progress | None = None,
    *,
    deadline: date | None = None,
    today: date | None = None,
) -> ExportResult:
    scope, dept = _scope(desk, department)
    check_deadline(desk, deadline, today)
    out = check_target(Path(out))
    step(progress, 0, 1, "書き出しの準備中…")
    content = numbered(replace(build_content(desk, scope, dept), deadline=deadline))

    def tick(done: int, total: int) -> None:
        step(progress, done, total, f"{out.name} を書き出し中…")

    role = desk.role
    tmp = None
    try:
        staging.sweep(out.parent)
        tmp = staging.create_beside(out)
        save_workbook(content, tmp, tick)
        with write_transaction(desk.db):
            register(content)
            xrepo.record_export(
                desk.db,
                user=desk.actor.user,
                scope=scope,
                department=dept,
                file_name=out.name,
                rows=len(content.manifest.rows),
                plan_code=desk.plan.code,
                deadline=deadline.isoformat() if deadline else None,
            )
            if role is not None and not role.is_secretariat:
                # what this return carries: the secretariat reads the next one against it
                xrepo.record_sent(
                    {
                        (mr.measure_key, mr.fy, f): ev.shown[f]
                        for mr, ev in zip(content.manifest.rows, content.entries, strict=True)
                        for f in mr.fields()
                        if f in mr.editable
                    }
                )
            os.replace(tmp, out)  # last: a failure before it rolls the log back
    except OSError as exc:
        raise output_error(out, exc) from exc
    finally:
        if tmp is not None:
            staging.discard(tmp)
    desk.absorb(Changes(exchange=True))
    return ExportResult(path=out, scope=scope, department=dept, rows=len(content.manifest.rows))


def department_file_name(plan_name: str, department: str, day: date | None = None) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", department)
    return f"{plan_name}_{safe}_{(day or date.today()).strftime('%Y%m%d')}.xlsx"


def export_departments(
    desk: Desk,
    folder: Path,
    progress: Progress | None = None,
    *,
    all_plans: bool = True,
    deadline: date | None = None,
    today: date | None = None,
) -> list[ExportResult]:
    """Secretariat: one workbook per department and plan, for each department holding at least
    one item of that plan, into `folder` (file names say the plan and the department). With
    `all_plans` False, only the desk's plan. `deadline`: every workbook's 回収期限."""
    role = desk.role
    if role is None or not role.is_secretariat:
        raise PermissionDenied("担当課ごとの一括書き出しは事務局だけが行えます")
    check_deadline(desk, deadline, today)
    folder = Path(folder)
    codes = [p.code for p in desk.plans()] if all_plans else [desk.plan.code]
    jobs: list[tuple[str, str]] = []
    for code in codes:
        with desk.on_plan(code):
            held = desk.held_departments()
            jobs += [(code, d) for d in desk.departments() if d in held]
    out: list[ExportResult] = []
    try:
        for i, (code, dept) in enumerate(jobs):
            step(progress, i, len(jobs), f"{dept} のブックを書き出し中…（{i + 1}/{len(jobs)}）")
            with desk.on_plan(code) as plan:
                path = folder / department_file_name(plan.name, dept)
                out.append(export_workbook(desk, path, dept, deadline=deadline, today=today))
    except Cancelled:
        if not out:
            raise
        # each workbook written before the stop stands, with its 配布 recorded: say so
        names = "、".join(r.path.name for r in out[:3]) + (
            f" ほか{len(out) - 3}件" if len(out) > 3 else ""
        )
        raise Cancelled(
            f"中止しました。中止までに {len(out)} / {len(jobs)} 件のブックを {folder} に書き出し、"
            f"配布として記録しました（{names}）。残りの {len(jobs) - len(out)} 件は書き出していません。"
        ) from None
    step(progress, len(jobs), len(jobs), "完了")
    return out
