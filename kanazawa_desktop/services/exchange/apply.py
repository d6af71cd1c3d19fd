"""Apply a previewed import atomically, and undo it as a whole.

`apply_import(desk, preview, resolutions=None, corrections=None) -> ApplyResult`

* refused files (FilePreview.refused) are never applied: DeskError with the reason;
* a file whose cell content was already imported (and not undone) applies nothing and
  says so (ApplyResult.already);
* changes = every APPLY decision + every conflict resolved to the file's side
  (`resolutions[(measure_key, fy, field)] == TAKE_FILE`); conflicts left unresolved stay
  unapplied and are recorded as open (回収状況, and a row each in the worklist that
  conflicts.py settles later); TAKE_MASTER settles one by keeping the master value;
* open items (FilePreview.open_items, values that broke their field's rule): a correction
  typed for one (`corrections[(measure_key, fy, field)]`, text) is validated like a save and
  becomes an ordinary change of the batch (a bad one raises InvalidValue and writes nothing);
  the others are recorded in the worklist as open, kind 'invalid' (what: the reason, file:
  the text as written, master: this database's value), and their fields keep their value;
* one transaction: the batch (repository.apply_changes, source "import", description
  naming the file), the import log row, and on a department PC the measures the master
  added, and its new 項目/小項目 (such a batch cannot be undone: they would vanish with their
  history), the master's order of nodes and measures, and the new sync base. If a
  field changed after the preview, nothing is written and the person is asked to preview
  again.

`plan_undo_import(desk, batch_id)` says what undoing would write back, or why it is refused,
without writing. `undo_import(desk, batch_id)` writes the whole batch's old values back through
Desk.undo_batch (refused with the reason when a later change touched the same fields),
restores the sync base entries it changed (department PC), and marks the import as undone,
so the same file may be imported again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ...domain import fields as F
from ...domain.changes import Changes
from ...domain.errors import (
    ConflictError,
    DeskError,
    InvalidValue,
    PermissionDenied,
    StalePreview,
    StoreError,
)
from ...domain.merge import Decision, FieldMerge
from ...store import conflict_repo
from ...store import exchange_repo as xrepo
from ...store import fiscal_years as closed_years
from ...store import repository as repo
from ...store.connection import write_transaction
from ..desk import PLAN_CODE, Desk
from .export import ORIGIN_META
from .preview import KIND_SYNC, FilePreview
from .validate import OpenItem, corrected

TAKE_FILE = "file"
TAKE_MASTER = "master"


@dataclass(frozen=True)
class ApplyResult:
    file_name: str
    batch_id: int | None
    applied: list[F.FieldChange]
    open_conflicts: list[FieldMerge]
    already: bool = False
    added: int = 0  # measures a master workbook added on a department PC
    open_items: list[OpenItem] = field(default_factory=list)  # bad values left uncorrected

    def summary(self) -> str:
        if self.already:
            return f"{self.file_name}: すでに取り込み済みのため、反映したものはありません"
        text = f"{self.file_name}: {len(self.applied)}件を反映しました"
        if self.added:
            text += f"（新しい取組 {self.added}件を含む）"
        if self.batch_id is not None:
            text += f"（変更 #{self.batch_id}）"
        if self.open_conflicts:
            text += (
                f"。競合 {len(self.open_conflicts)}件は反映していません"
                "（未解決の競合として残り、あとから解決できます）"
            )
        if self.open_items:
            text += (
                f"。要修正 {len(self.open_items)}件（不正な値）は反映していません"
                "（未解決として残り、あとから値を入力できます）"
            )
        return text


def _change(ids: dict[str, int], fm: FieldMerge) -> F.FieldChange:
    measure_id = ids[fm.measure_key]
    fy = None if fm.field in F.MEASURE_FIELDS else fm.fy
    return F.FieldChange(measure_id=measure_id, field=fm.field, old=fm.master, new=fm.file, fy=fy)


def _conflict_record(pv: FilePreview, fm: FieldMerge) -> dict[str, object]:
    return {
        "measure": fm.measure_key,
        "fy": fm.fy,
        "field": fm.field,
        "what": pv.describe(fm),
        "master": fm.master,
        "file": fm.file,
        "blank": fm.decision == "blank",
        "measure_id": pv.measures[fm.measure_key][0] if fm.measure_key in pv.measures else None,
    }


def _item_record(pv: FilePreview, item: OpenItem) -> dict[str, object]:
    """An open item as the worklist keeps it: what = the reason, file = the text as written."""
    return {
        "measure": item.measure_key,
        "fy": item.fy,
        "field": item.field,
        "what": item.message,
        "master": item.master,
        "file": item.written,
        "kind": "invalid",
        "measure_id": pv.measures[item.measure_key][0] if item.measure_key in pv.measures else None,
    }


def _corrections(
    pv: FilePreview, corrections: dict[tuple[str, int, str], str]
) -> tuple[list[FieldMerge], list[OpenItem]]:
    """(the corrected open items as changes, the items left open). A correction is checked by
    the rule of a save; one that breaks it refuses the whole apply, naming the item."""
    fixed: list[FieldMerge] = []
    left: list[OpenItem] = []
    for item in pv.open_items:
        text = corrections.get(item.key)
        if text is None:
            left.append(item)
            continue
        try:
            value = corrected(item, text)
        except InvalidValue as exc:
            raise InvalidValue(
                f"{pv.name}: {item.label} {item.fy}年度 {F.label(item.field)} の修正値: "
                f"{exc.message}",
                **exc.data,
            ) from None
        fixed.append(
            FieldMerge(
                item.measure_key,
                item.fy,
                item.field,
                item.master,
                item.master,
                value,
                Decision.APPLY,
            )
        )
    return fixed, left


def _apply_new_plan(desk: Desk, preview: FilePreview) -> ApplyResult:
    """Add the plan a master workbook carries, then take its sync, in one transaction: either
    the plan arrives with every node and item, or nothing changes."""
    from ...store.plan_loader import load_plan
    from .preview import preview_file

    p = preview.new_plan
    assert p is not None
    role = desk.role
    if role is None or role.is_secretariat:
        raise PermissionDenied("計画を一覧表から追加できるのは担当課のPCだけです")
    header = {
        "code": p.code,
        "name": p.name,
        "first_fy": p.first_fy,
        "last_fy": p.last_fy,
        "levels": list(p.levels),
        "item": p.item,
    }
    with write_transaction(desk.db):
        try:
            header["sheet"] = json.loads(p.sheet or "{}")
            header["glossary"] = [
                dict(zip(("mark", "term", "text"), g, strict=True)) for g in p.glossary
            ]
            load_plan(desk.db, {"plan": header, "departments": [], "nodes": [], "measures": []})
        except (InvalidValue, ValueError, KeyError) as exc:
            raise DeskError(f"{preview.name}: 計画「{p.name}」を追加できません（{exc}）") from None
        with desk.on_plan(p.code):
            again = preview_file(desk, preview.path)
            if again.refused:
                raise DeskError(again.error or again.summary())
            result = apply_import(desk, again)
    desk.absorb(Changes(plans=True))
    return result


def apply_import(
    desk: Desk,
    preview: FilePreview,
    resolutions: dict[tuple[str, int, str], str] | None = None,
    corrections: dict[tuple[str, int, str], str] | None = None,
) -> ApplyResult:
    if preview.new_plan is not None and not preview.error:
        return _apply_new_plan(desk, preview)
    if preview.plan_code and preview.plan_code != desk.plan.code:
        with desk.on_plan(preview.plan_code):
            return apply_import(desk, preview, resolutions, corrections)
    resolutions = resolutions or {}
    if preview.error:
        raise DeskError(preview.error)
    if preview.refusals:
        raise DeskError(
            f"{preview.name}: 問題があるため取り込めません（{preview.refusals[0].message} ほか"
            f"{len(preview.refusals)}件）"
        )
    role = desk.role
    if role is None:
        raise PermissionDenied("このPCの役割（担当課／事務局）が設定されていません")
    if preview.already is not None:
        return ApplyResult(preview.name, None, [], [], already=True)
    fixed, open_items = _corrections(preview, corrections or {})
    chosen = list(preview.changes) + fixed
    open_conflicts: list[FieldMerge] = []
    for fm in preview.conflicts:
        choice = resolutions.get(fm.key)
        if choice == TAKE_FILE:
            chosen.append(fm)
        elif choice != TAKE_MASTER:
            open_conflicts.append(fm)
    actor = desk.actor
    try:
        with write_transaction(desk.db):
            created_nodes = _insert_new_nodes(desk, preview)
            ids = {key: v[0] for key, v in preview.measures.items()}
            created = _insert_new_measures(desk, preview, ids)
            changes = [_change(ids, fm) for fm in chosen]
            changes += [
                F.FieldChange(measure_id=0, field="title", old=old, new=new, node_id=node_id)
                for node_id, _label, old, new in preview.node_changes
            ]
            batch = repo.apply_changes(
                desk.db,
                changes,
                actor,
                "import",
                f"取込: {preview.name}",
                created=created,
                created_nodes=created_nodes,
                # the secretariat's master is the record, its closed years' values included
                closed_ok=preview.kind == KIND_SYNC,
            )
            if preview.positions:
                repo.set_positions(desk.plan.id, preview.positions)
            if preview.node_positions:
                repo.set_node_positions(desk.plan.id, preview.node_positions)
            base_changes = None
            if preview.kind == KIND_SYNC:
                # what the master sent becomes the base of this PC's next export
                base_changes = xrepo.replace_sync_base(
                    _sync_base(preview, open_conflicts, resolutions)
                )
                xrepo.clear_sent()
                repo.set_meta(ORIGIN_META, preview.origin_uid)
                if preview.closed_years is not None:  # the secretariat's closed years
                    closed_years.align(desk.plan.code, preview.closed_years, repo.now_iso())
                    desk.absorb(Changes(fiscal=True))
                if preview.glossary is not None and preview.glossary != desk.plan.glossary:
                    repo.set_glossary(desk.plan.id, preview.glossary)  # the secretariat's
                    desk.absorb(Changes(structure=True))  # the plan is read again
            left_open = [_conflict_record(preview, fm) for fm in open_conflicts]
            left_open += [_item_record(preview, item) for item in open_items]
            import_id = xrepo.record_import(
                user=actor.user,
                file_name=preview.name,
                content_hash=preview.content_hash,
                scope=preview.scope,
                department=preview.department,
                batch_id=batch,
                applied=len(changes),
                conflicts=left_open,
                base_changes=base_changes,
                issued_at=preview.issued_at or None,
                manifest_checksum=preview.manifest_checksum or None,
                issuer_uid=preview.issuer_uid or None,
                sequence=preview.sequence,
                saved_at=preview.saved_at,
                plan_code=desk.plan.code,  # apply_import runs on the file's plan
            )
            conflict_repo.record(import_id, left_open)  # the worklist (conflicts.py)
    except ConflictError as exc:
        raise StalePreview(
            f"{preview.name}: 確認の後にデータが変更されました。もう一度確認（プレビュー）してください",
            **exc.data,
        ) from exc
    desk.absorb(
        Changes.of(
            changes,
            batch,
            exchange=True,
            created=[i for i, _ in created],
            created_nodes=[i for i, _ in created_nodes],
            structure=bool(preview.positions or preview.node_positions),
        )
    )
    return ApplyResult(
        preview.name,
        batch,
        [c for c in changes if not repo.same_value(c.old, c.new)],
        open_conflicts,
        added=len(created),
        open_items=open_items,
    )


def _sync_base(
    preview: FilePreview,
    open_conflicts: list[FieldMerge],
    resolutions: dict[tuple[str, int, str], str],
) -> dict[tuple[str, int, str], object]:
    """What the master sent becomes the base of this PC's next export, except where this PC
    kept its own value against the master's (left open or kept deliberately): there the old
    base stays, so the secretariat sees the disagreement as a conflict when the department
    returns, instead of the department's value silently replacing the secretariat's."""
    values = dict(preview.sync_values)
    for fm in preview.conflicts:
        if fm in open_conflicts or resolutions.get(fm.key) == TAKE_MASTER:
            values[fm.key] = fm.base
    return values


def _insert_new_nodes(desk: Desk, preview: FilePreview) -> list[tuple[int, str]]:
    """Insert the 項目/小項目 a master workbook adds, parents first, at the master's places."""
    return [
        (
            repo.insert_node(
                desk.plan.id,
                key=n.key,
                parent_key=n.parent,
                level=n.level,
                label=n.label,
                title=n.title,
                position=n.position,
            ),
            f"{n.label} {n.title}",
        )
        for n in preview.new_nodes
    ]


def _insert_new_measures(
    desk: Desk, preview: FilePreview, ids: dict[str, int]
) -> list[tuple[int, str]]:
    """Insert the measures a master workbook adds (their texts follow as ordinary changes)."""
    created: list[tuple[int, str]] = []
    for d in preview.new_measures:
        ids[d.key] = repo.insert_measure(
            desk.plan.id,
            key=d.key,
            node_key=d.node,
            number=d.number,
            repeat_of=d.repeat_of,
            name=d.name,
            departments=list(d.departments),
            numeric=d.numeric,
            position=d.position,
        )
        created.append((ids[d.key], f"{preview.measures[d.key][1]} {d.name}"))
    return created


def _undoable(batch_id: int) -> xrepo.ImportRecord:
    """The import of `batch_id` if it may be undone as a whole; StoreError with the reason."""
    record = xrepo.import_for_batch(batch_id)
    if record is None:
        raise StoreError(f"変更 #{batch_id} は取込ではありません")
    if record.undone:
        raise StoreError(f"取込「{record.file_name}」はすでに元に戻されています")
    later = [
        r
        for r in xrepo.imports()
        if r.id > record.id
        and not r.undone
        and (r.scope, r.department) == (record.scope, record.department)
    ]
    if later:
        # a later workbook of the same kind may carry the same values (unchanged there, so
        # not in its batch): undoing this one would clear them and that one would still
        # count as imported
        raise StoreError(
            f"取込「{record.file_name}」の後に同じ種類のブック「{later[-1].file_name}」を"
            "取り込んでいます。新しい方から順に元に戻してください"
        )
    return record


@dataclass(frozen=True)
class UndoPlan:
    """What undoing an import would do, asked before it is done (回収状況)."""

    file_name: str
    changes: list[tuple[str, str, object, object]]  # (what, field, value written, value before)
    refusal: str = ""  # why it cannot be undone; blank when it can


def plan_undo_import(desk: Desk, batch_id: int) -> UndoPlan:
    """The changes an import wrote and whether undoing it would be refused, and why: the same
    checks as undo_import (which checks them again when it runs), writing nothing."""
    from ...domain.fiscal import short_label
    from ...domain.values import field_value

    try:
        record = _undoable(batch_id)
    except StoreError as exc:
        found = xrepo.import_for_batch(batch_id)
        return UndoPlan(found.file_name if found else f"#{batch_id}", [], exc.message)
    changes = repo.batch_changes(batch_id)
    refusal = ""
    if any(c.field == "created" for c in changes):
        refusal = "取組や体系の追加は元に戻せません。不要な取組は「廃止」にしてください"
    lines: list[tuple[str, str, object, object]] = []
    touched: list[str] = []
    with desk.on_plan(record.plan_code or PLAN_CODE):
        for c in changes:
            if not c.measure_id or c.field in ("created", "node"):
                continue
            m = desk.measure(c.measure_id)
            year = f" {short_label(c.fy)}" if c.fy else ""
            what = f"{m.number_label}{year} {F.label(c.field)}"
            lines.append((what, c.field, c.new, c.old))
            if not repo.same_value(field_value(m, c.field, c.fy), c.new):
                touched.append(what)
    if touched and not refusal:
        refusal = (
            "取込の後に同じ項目が変更されているため、元に戻せません: " + "、".join(touched[:5])
        ) + (f" ほか{len(touched) - 5}件" if len(touched) > 5 else "")
    return UndoPlan(record.file_name, lines, refusal)


def undo_import(desk: Desk, batch_id: int) -> list[F.FieldChange]:
    _undoable(batch_id)
    with write_transaction(desk.db):
        changes = desk.undo_batch(batch_id, source="undo")
        xrepo.mark_undone(batch_id)
        # on a department PC the merge base goes back too: otherwise the next export would
        # present the undone values as this department's own edits
        xrepo.restore_sync_base(batch_id)
    desk.absorb(Changes(exchange=True))
    return changes
