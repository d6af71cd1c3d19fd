"""The conflicts imports left open (table exchange_conflict, schema version 9), and the
values they could not take (kind 'invalid', version 10: an open item of the file, `what` its
reason, `file` the text as written).

A conflict is open while it is unsettled and its import is the latest standing (not undone)
import of its plan, scope and department: a later return of the same department replaces the
list, and undoing that return brings the earlier list back. Writes run inside the caller's
write transaction (the batch that settles a conflict and the mark are one unit).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from ..domain import fields as F
from .exchange_models import DbConflict
from .repository import now_iso


@dataclass(frozen=True)
class ConflictRecord:
    id: int
    import_id: int
    measure_id: int | None
    measure_key: str
    fy: int
    field: str
    what: str
    master: object
    file: object
    blank: bool
    imported_at: str
    file_name: str
    department: str
    plan_code: str | None  # None: an import logged before schema version 7 (the first plan)
    is_open: bool
    settled_at: str | None = None
    settled_by: str | None = None
    settled_how: str | None = None
    settled_batch: int | None = None
    kind: str = "conflict"  # conflict | invalid (a value that broke its field's rule)

    @property
    def invalid(self) -> bool:
        return self.kind == "invalid"


_SELECT = """
SELECT c.id, c.import_id, c.measure_id, c.measure_key, c.fy, c.field, c.what, c.master,
       c.file, c.blank, i.at, i.file_name, i.department, i.plan_code,
       (c.settled_at IS NULL AND i.undone = 0 AND NOT EXISTS (
           SELECT 1 FROM exchange_import j
           WHERE j.id > i.id AND j.undone = 0 AND j.scope = i.scope
             AND j.department = i.department
             AND COALESCE(j.plan_code, ?) = COALESCE(i.plan_code, ?))) AS is_open,
       c.settled_at, c.settled_by, c.settled_how, c.settled_batch, c.kind
FROM exchange_conflict c JOIN exchange_import i ON i.id = c.import_id
"""


def _row(r: tuple) -> ConflictRecord:
    values = list(r)
    values[7], values[8] = json.loads(values[7]), json.loads(values[8])
    values[9], values[14] = bool(values[9]), bool(values[14])
    return ConflictRecord(*values)


def _query(first_plan: str, where: str, params: Iterable[object]) -> list[ConflictRecord]:
    db = DbConflict._meta.database
    sql = _SELECT + where
    return [_row(r) for r in db.execute_sql(sql, [first_plan, first_plan, *params]).fetchall()]


def record(import_id: int, conflicts: list[dict[str, object]]) -> list[int]:
    """Insert one row per conflict an import left open (keys as apply records them, plus
    `measure_id` and `kind`, 'conflict' when absent); call inside the transaction that logs
    the import."""
    return [
        DbConflict.create(
            imported=import_id,
            measure_id=c.get("measure_id"),
            measure_key=c["measure"],
            fy=c.get("fy") or 0,
            field=c["field"],
            what=c.get("what", ""),
            master=json.dumps(c.get("master"), ensure_ascii=False),
            file=json.dumps(c.get("file"), ensure_ascii=False),
            blank=int(bool(c.get("blank"))),
            kind=c.get("kind") or "conflict",
        ).id
        for c in conflicts
    ]


def open_conflicts(first_plan: str, plan_code: str | None = None) -> list[ConflictRecord]:
    """Every open conflict, oldest import first; of one plan with `plan_code`."""
    rows = _query(first_plan, "ORDER BY c.import_id, c.id", [])
    return [
        c
        for c in rows
        if c.is_open and (plan_code is None or (c.plan_code or first_plan) == plan_code)
    ]


def of_import(first_plan: str, import_id: int) -> list[ConflictRecord]:
    """Every conflict an import left, settled or not, in its order."""
    return _query(first_plan, "WHERE c.import_id = ? ORDER BY c.id", [import_id])


def get(first_plan: str, conflict_id: int) -> ConflictRecord | None:
    rows = _query(first_plan, "WHERE c.id = ?", [conflict_id])
    return rows[0] if rows else None


def settle(conflict_id: int, how: str, user: str, batch: int | None) -> None:
    DbConflict.update(
        settled_at=now_iso(), settled_by=user, settled_how=how, settled_batch=batch
    ).where(DbConflict.id == conflict_id).execute()


def settle_edited(changes: Iterable[F.FieldChange], user: str, batch: int | None) -> int:
    """A saved edit settles every unsettled conflict on the same field (a measure's own field
    whatever the year): the value typed then wins. Returns how many were settled."""
    n = 0
    for c in changes:
        if not c.measure_id or c.indicator_id is not None or c.node_id is not None:
            continue
        where = (
            (DbConflict.measure_id == c.measure_id)
            & (DbConflict.field == c.field)
            & DbConflict.settled_at.is_null()
        )
        if c.field not in F.MEASURE_FIELDS and c.fy is not None:
            where &= DbConflict.fy == c.fy
        n += (
            DbConflict.update(
                settled_at=now_iso(), settled_by=user, settled_how="edit", settled_batch=batch
            )
            .where(where)
            .execute()
        )
    return n


def reopen(batch_id: int) -> int:
    """Undoing the batch that settled conflicts opens them again."""
    return (
        DbConflict.update(settled_at=None, settled_by=None, settled_how=None, settled_batch=None)
        .where(DbConflict.settled_batch == batch_id)
        .execute()
    )
