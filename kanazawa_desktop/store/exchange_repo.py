"""Queries and writes of the exchange logs (exports issued, imports applied, sync base).

Plain records in and out; the import service decides what to log. Writes run in their
own IMMEDIATE transaction, except `record_import`, which the caller may run inside the
transaction that applies the import (so a log row never exists without its batch).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from peewee import Database, IntegrityError

from ..domain.model import Measure, YearRecord
from .connection import write_transaction
from .exchange_models import DbExport, DbImport, DbIssued, DbSent, DbSyncBase
from .models import DbDepartment, DbMeasure, DbMeasureDepartment, DbMeasureYear
from .repository import now_iso, read_series, with_series, year_record


@dataclass(frozen=True)
class ExportRecord:
    id: int
    at: str
    user: str
    scope: str
    department: str
    file_name: str
    rows: int
    plan_code: str | None = None  # None: logged before schema version 7 (the first plan)
    deadline: str | None = None  # 回収期限, ISO date (schema version 10); None: none set


@dataclass(frozen=True)
class ImportRecord:
    id: int
    at: str
    user: str
    file_name: str
    content_hash: str
    scope: str
    department: str
    batch_id: int | None
    applied: int
    conflicts: list
    undone: bool
    issued_at: str | None = None
    manifest_checksum: str | None = None
    issuer_uid: str | None = None
    sequence: int | None = None
    saved_at: str | None = None
    plan_code: str | None = None  # None: logged before schema version 7 (the first plan)


def record_export(
    db: Database,
    *,
    user: str,
    scope: str,
    department: str,
    file_name: str,
    rows: int,
    plan_code: str | None = None,
    deadline: str | None = None,
) -> int:
    with write_transaction(db):
        return DbExport.create(
            at=now_iso(),
            user=user,
            scope=scope,
            department=department,
            file_name=file_name,
            rows=rows,
            plan_code=plan_code,
            deadline=deadline,
        ).id


def record_import(
    *,
    user: str,
    file_name: str,
    content_hash: str,
    scope: str,
    department: str,
    batch_id: int | None,
    applied: int,
    conflicts: list,
    base_changes: list | None = None,
    issued_at: str | None = None,
    manifest_checksum: str | None = None,
    issuer_uid: str | None = None,
    sequence: int | None = None,
    saved_at: str | None = None,
    plan_code: str | None = None,
) -> int:
    """Insert an import log row; call inside the caller's write transaction."""
    return DbImport.create(
        at=now_iso(),
        user=user,
        file_name=file_name,
        content_hash=content_hash,
        scope=scope,
        department=department,
        batch_id=batch_id,
        applied=applied,
        conflicts=json.dumps(conflicts, ensure_ascii=False),
        undone=0,
        base_changes=None if base_changes is None else json.dumps(base_changes, ensure_ascii=False),
        issued_at=issued_at,
        manifest_checksum=manifest_checksum,
        issuer_uid=issuer_uid,
        sequence=sequence,
        saved_at=saved_at,
        plan_code=plan_code,
    ).id


def mark_undone(batch_id: int) -> None:
    DbImport.update(undone=1).where(DbImport.batch_id == batch_id).execute()


def _export(r: DbExport) -> ExportRecord:
    return ExportRecord(
        r.id, r.at, r.user, r.scope, r.department, r.file_name, r.rows, r.plan_code, r.deadline
    )


def _import(r: DbImport) -> ImportRecord:
    return ImportRecord(
        r.id,
        r.at,
        r.user,
        r.file_name,
        r.content_hash,
        r.scope,
        r.department,
        r.batch_id,
        r.applied,
        json.loads(r.conflicts),
        bool(r.undone),
        r.issued_at,
        r.manifest_checksum,
        r.issuer_uid,
        r.sequence,
        r.saved_at,
        r.plan_code,
    )


def exports() -> list[ExportRecord]:
    return [_export(r) for r in DbExport.select().order_by(DbExport.id)]


def imports() -> list[ImportRecord]:
    return [_import(r) for r in DbImport.select().order_by(DbImport.id)]


def import_with_hash(content_hash: str) -> ImportRecord | None:
    """The latest import of this content that still stands (not undone)."""
    row = (
        DbImport.select()
        .where((DbImport.content_hash == content_hash) & (DbImport.undone == 0))
        .order_by(DbImport.id.desc())
        .first()
    )
    return _import(row) if row else None


def standing_imports(scope: str, department: str = "") -> list[ImportRecord]:
    """Imports of this scope (and department) that still stand (not undone), oldest first."""
    q = (
        DbImport.select()
        .where(
            (DbImport.undone == 0) & (DbImport.scope == scope) & (DbImport.department == department)
        )
        .order_by(DbImport.id)
    )
    return [_import(r) for r in q]


def next_issue_sequence() -> int:
    """The number the next registered workbook gets; call inside the registering transaction."""
    last = DbIssued.select(DbIssued.id).order_by(DbIssued.id.desc()).first()
    return (last.id if last else 0) + 1


class AlreadyRegistered(Exception):
    """The register number was taken meanwhile (another export of this database)."""


def register_issued(
    sequence: int, *, checksum: str, scope: str, department: str, issued_at: str
) -> None:
    """Remember a workbook's manifest as issued; call inside a write transaction."""
    try:
        with DbIssued._meta.database.atomic():  # a savepoint: the caller's transaction goes on
            DbIssued.create(
                id=sequence,
                checksum=checksum,
                at=now_iso(),
                scope=scope,
                department=department,
                issued_at=issued_at,
            )
    except IntegrityError as exc:
        raise AlreadyRegistered(sequence) from exc


def was_issued(checksum: str) -> bool:
    return DbIssued.select().where(DbIssued.checksum == checksum).exists()


def exported_near(scope: str, department: str, issued_at: str, seconds: float = 600) -> bool:
    """Whether the export log holds a workbook of this scope and department written within
    `seconds` after `issued_at`: the only evidence for a workbook issued before the register
    existed (the log row is written right after the file)."""
    try:
        start = _instant(issued_at)
    except ValueError:
        return False
    for r in DbExport.select(DbExport.at).where(
        (DbExport.scope == scope) & (DbExport.department == department)
    ):
        try:
            delta = (_instant(r.at) - start).total_seconds()
        except (ValueError, TypeError):
            continue
        if -1 <= delta <= seconds:
            return True
    return False


def _instant(iso: str):
    from datetime import datetime

    return datetime.fromisoformat(iso)


def import_for_batch(batch_id: int) -> ImportRecord | None:
    row = DbImport.get_or_none(DbImport.batch_id == batch_id)
    return _import(row) if row else None


def sync_base() -> dict[tuple[str, int, str], object]:
    return {(r.measure_key, r.fy, r.field): json.loads(r.value) for r in DbSyncBase.select()}


def replace_sync_base(values: dict[tuple[str, int, str], object]) -> list:
    """Store the fields received from the master; call inside a write transaction.

    Returns what changed, [key, fy, field, had, old, new] per entry, for restore_sync_base.
    """
    before = sync_base()
    changed = [
        [k, fy, f, (k, fy, f) in before, before.get((k, fy, f)), v]
        for (k, fy, f), v in values.items()
        if before.get((k, fy, f), _MISSING) != v
    ]
    changed += [
        [k, fy, f, True, v, None] for (k, fy, f), v in before.items() if (k, fy, f) not in values
    ]
    DbSyncBase.delete().execute()
    rows = [
        {"measure_key": k, "fy": fy, "field": f, "value": json.dumps(v, ensure_ascii=False)}
        for (k, fy, f), v in values.items()
    ]
    for i in range(0, len(rows), 200):
        DbSyncBase.insert_many(rows[i : i + 200]).execute()
    return changed


_MISSING = object()


def restore_sync_base(batch_id: int) -> None:
    """Undo what an import did to the sync base, entry by entry, where no later sync moved it."""
    row = DbImport.get_or_none(DbImport.batch_id == batch_id)
    if row is None or not row.base_changes:
        return
    current = sync_base()
    for key, fy, field, had, old, new in json.loads(row.base_changes):
        if current.get((key, fy, field), None) != new:
            continue  # a later sync set it: that value stands
        where = (
            (DbSyncBase.measure_key == key) & (DbSyncBase.fy == fy) & (DbSyncBase.field == field)
        )
        DbSyncBase.delete().where(where).execute()
        if had:
            DbSyncBase.create(
                measure_key=key, fy=fy, field=field, value=json.dumps(old, ensure_ascii=False)
            )


def sent_values() -> dict[tuple[str, int, str], object]:
    return {(r.measure_key, r.fy, r.field): json.loads(r.value) for r in DbSent.select()}


def record_sent(values: dict[tuple[str, int, str], object]) -> None:
    """Remember what a return carried (replacing earlier ones field by field)."""
    rows = [
        {"measure_key": k, "fy": fy, "field": f, "value": json.dumps(v, ensure_ascii=False)}
        for (k, fy, f), v in values.items()
    ]
    for i in range(0, len(rows), 200):
        DbSent.replace_many(rows[i : i + 200]).execute()


def clear_sent() -> None:
    """A sync supersedes what was sent before it (its base already reflects the master)."""
    DbSent.delete().execute()


def measures_for_merge(plan_id: int, ids: list[int] | None = None) -> list[Measure]:
    """Every measure of a plan (or those in `ids`) with what a merge compares (ids,
    departments, flags, year values).

    A lean read with plain tuples (merging 100 workbooks reads each measure once); the
    texts a merge never compares (概要, めざす姿, …) are left empty.
    """
    deps: dict[int, list[str]] = {}
    q = (
        DbMeasureDepartment.select(DbMeasureDepartment.measure, DbDepartment.name)
        .join(DbDepartment)
        .order_by(DbMeasureDepartment.measure, DbMeasureDepartment.position)
    )
    if ids is not None:
        q = q.where(DbMeasureDepartment.measure.in_(ids))
    for measure_id, name in q.tuples():
        deps.setdefault(measure_id, []).append(name)
    years: dict[int, dict[int, YearRecord]] = {}
    q = (
        DbMeasureYear.select(
            DbMeasureYear.measure,
            DbMeasureYear.fy,
            DbMeasureYear.plan_text,
            DbMeasureYear.result_text,
            DbMeasureYear.status,
            DbMeasureYear.target,
            DbMeasureYear.actual,
        )
        .join(DbMeasure)
        .where(DbMeasure.plan == plan_id)
    )
    if ids is not None:
        q = q.where(DbMeasureYear.measure.in_(ids))
    for measure_id, *year in q.tuples():
        years.setdefault(measure_id, {})[year[0]] = year_record(*year)
    q = (
        DbMeasure.select(
            DbMeasure.id,
            DbMeasure.key,
            DbMeasure.node,
            DbMeasure.number,
            DbMeasure.repeat_of,
            DbMeasure.name,
            DbMeasure.numeric,
            DbMeasure.retired,
            DbMeasure.position,
        )
        .where(DbMeasure.plan == plan_id)
        .order_by(DbMeasure.position)
    )
    if ids is not None:
        q = q.where(DbMeasure.id.in_(ids))
    # the indicators: the unit an imported value may carry, and the 桁違い check
    series = read_series("m.plan_id = ?", [plan_id], ids)
    return [
        with_series(
            Measure(
                id=mid,
                key=key,
                plan_id=plan_id,
                node_id=node,
                number=number,
                repeat_of=repeat_of,
                name=name,
                numeric=bool(numeric),
                departments=tuple(deps.get(mid, ())),
                retired=bool(retired),
                position=pos,
                years=years.get(mid, {}),
            ),
            series,
        )
        for mid, key, node, number, repeat_of, name, numeric, retired, pos in q.tuples()
    ]
