"""The conflicts imports left open, as a worklist settled at any later time.

    open_conflicts(desk, plan=None) -> list[ConflictRecord]      # every plan, or one (code)
    rows(desk, conflicts) -> list[ConflictRow]                    # their words, for lists
    department_conflicts(desk, department) -> list[ConflictRecord]  # the desk's plan
    resolve(desk, conflict_id, take=None, value=None) -> Resolution

Each conflict has a stable ID (its row in exchange_conflict, schema version 9). Settling one:
`take="file"` writes the workbook's value, `value=` a typed one (validated like any save: a
bad value raises InvalidValue and changes nothing), `take="master"` keeps the secretariat's
value and writes nothing. The write is one batch (source "conflict", in the history and on
the undo stack like any save) and the mark is in the same transaction; undoing that batch
opens the conflict again. Saving the field in the form settles it too (Desk.save_many), and a
later import of the department's return replaces its list (store/conflict_repo.py).

An open item (kind 'invalid': a value of the file that broke its field's rule, 「38名」 in
実績値) is in the same worklist, listed as 不正な値 with its reason. It is settled by a typed
value or by keeping the master's; `take="file"` is refused (the file's text is no value).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...domain import fields as F
from ...domain.changes import Changes
from ...domain.display import format_value, short_time
from ...domain.errors import DeskError, InvalidValue, NotFound, StoreError
from ...domain.fiscal import short_label
from ...store import conflict_repo
from ...store.conflict_repo import ConflictRecord
from ...store.connection import write_transaction
from ..desk import PLAN_CODE, Desk
from .apply import TAKE_FILE, TAKE_MASTER

__all__ = [
    "ConflictRecord",
    "ConflictRow",
    "Resolution",
    "department_conflicts",
    "open_conflicts",
    "resolve",
    "rows",
]

HOW_LABELS = {
    TAKE_FILE: "ブックの値にする",
    TAKE_MASTER: "事務局の値のままにする",
    "value": "値を入力",
    "edit": "入力画面で変更",
}


@dataclass(frozen=True)
class Resolution:
    conflict: ConflictRecord
    how: str
    batch_id: int | None  # None: nothing needed writing

    def summary(self) -> str:
        text = (
            f"{KIND_LABELS.get(self.conflict.kind, '競合')} {self.conflict.id}"
            f"（{self.conflict.what}）を解決しました: {HOW_LABELS[self.how]}"
        )
        if self.batch_id is not None:
            text += f"（変更 #{self.batch_id}）"
        return text


@dataclass(frozen=True)
class ConflictRow:
    """A conflict in the words of a list (the CLI's TSV, the window's worklist)."""

    record: ConflictRecord
    plan: str  # the plan's name
    number: str  # 'No.7'
    year: str  # 'R5'; blank for a measure's own field
    item: str  # the field's label
    master: str
    file: str
    imported_at: str
    kind: str = "競合"  # 競合 | 不正な値
    reason: str = ""  # an invalid value's reason (the sentence naming its cell)

    @property
    def id(self) -> int:
        return self.record.id


KIND_LABELS = {"conflict": "競合", "invalid": "不正な値"}


def rows(desk: Desk, conflicts: list[ConflictRecord]) -> list[ConflictRow]:
    names = {p.code: p.name for p in desk.plans()}
    labels: dict[int, str] = {}
    out = []
    for c in conflicts:
        if c.measure_id is not None and c.measure_id not in labels:
            try:
                labels[c.measure_id] = desk.measure(c.measure_id).number_label
            except DeskError:
                labels[c.measure_id] = ""
        own = c.field in F.MEASURE_FIELDS
        out.append(
            ConflictRow(
                record=c,
                plan=names.get(c.plan_code or PLAN_CODE, c.plan_code or PLAN_CODE),
                number=labels.get(c.measure_id or 0) or c.what.split(" ")[0],
                year="" if own or not c.fy else short_label(c.fy),
                item=F.label(c.field),
                master=format_value(c.field, c.master, blank="（空欄）"),
                # an invalid value is the text as written, never read as the field's value
                file=(c.file or "（空欄）")
                if c.invalid and isinstance(c.file, str)
                else format_value(c.field, c.file, blank="（空欄）"),
                imported_at=short_time(c.imported_at),
                kind=KIND_LABELS.get(c.kind, c.kind),
                reason=c.what if c.invalid else "",
            )
        )
    return out


def open_conflicts(desk: Desk, plan: str | None = None) -> list[ConflictRecord]:
    """Every open conflict of every plan, or of the plan with code `plan`."""
    return conflict_repo.open_conflicts(PLAN_CODE, plan)


def department_conflicts(desk: Desk, department: str) -> list[ConflictRecord]:
    """The open conflicts of one department's return, in the desk's plan."""
    return [c for c in open_conflicts(desk, desk.plan.code) if c.department == department]


def _open_one(conflict_id: int) -> ConflictRecord:
    rec = conflict_repo.get(PLAN_CODE, conflict_id)
    if rec is None:
        raise NotFound(f"競合 {conflict_id} はありません", conflict=conflict_id)
    if not rec.is_open:
        if rec.settled_at:
            raise StoreError(f"競合 {conflict_id}（{rec.what}）はすでに解決済みです")
        raise StoreError(
            f"競合 {conflict_id}（{rec.what}）は、その後の取込または取消で一覧から外れています"
        )
    if rec.measure_id is None:
        raise NotFound(f"競合 {conflict_id} の取組がこのデータベースにありません")
    return rec


def resolve(
    desk: Desk, conflict_id: int, *, take: str | None = None, value: object = None
) -> Resolution:
    """Settle one open conflict by taking a side (`take`) or by a typed `value`."""
    if (take is None) == (value is None) or take not in (None, TAKE_FILE, TAKE_MASTER):
        raise InvalidValue("「ブックの値」「事務局の値」または入力した値のどれか一つで解決します")
    rec = _open_one(conflict_id)
    if take == TAKE_FILE and rec.invalid:
        raise InvalidValue(
            f"ID {conflict_id} は不正な値（{rec.what}）のため、ブックの値にはできません。"
            "値を入力するか、事務局の値のままにしてください",
            conflict=conflict_id,
        )
    how = take or "value"
    new = rec.file if take == TAKE_FILE else value
    actor = desk.actor
    with desk.on_plan(rec.plan_code or PLAN_CODE):
        with write_transaction(desk.db):
            # checked again under the write lock: another window may have settled it meanwhile
            rec = _open_one(conflict_id)
            assert rec.measure_id is not None
            batch = None
            if take != TAKE_MASTER:
                fy = None if rec.field in F.MEASURE_FIELDS else rec.fy
                batch = desk.save(
                    rec.measure_id,
                    {(fy, rec.field): new},
                    source="conflict",
                    description=(
                        f"不正な値の修正: {rec.what}（{rec.file_name}）"
                        if rec.invalid
                        else f"競合の解決: {rec.what}（{rec.file_name}）"
                    ),
                ).batch_id
            conflict_repo.settle(rec.id, how, actor.user, batch)
    desk.absorb(Changes(exchange=True))
    return Resolution(rec, how, batch)
