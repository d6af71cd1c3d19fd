"""Undo and redo of saved changes: this session's stack, and undoing any batch by its id.

Contract:
- Every undoable write (a save, a node rename) is one batch in the store; `UndoStack.push`
  records it and clears what could be redone.
- `undo` writes back the old values of the last pushed batch as a new batch (source "undo")
  that marks the original as undone; `redo` writes the original batch's changes again
  (source "redo") and that new batch can be undone in turn.
- `undo_batch(desk, batch_id)` undoes any batch (an import, a save) atomically. It is
  refused with StoreError when a later change touched one of its fields (the store's
  stale-write check), when the batch added a measure or node (those are retired, not undone),
  or when it was undone already. A refused undo or redo leaves both stacks as they were.
  Conflicts the batch settled (a save, a settled import conflict) are open again; a redo
  settles them again (as an edit).
- `undo_past(desk, batch_id)` is undo_batch for a person choosing a past edit in the
  history: also refused when the role may not change one of the batch's fields.

The stacks live in memory: they are this window's (or command's) session, while the
history of every batch stays in the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain import fields as F
from ..domain.changes import Changes
from ..domain.errors import ConflictError, PermissionDenied, StoreError
from ..store import conflict_repo
from ..store import repository as repo
from ..store.connection import write_transaction

if TYPE_CHECKING:
    from .desk import Desk


class UndoStack:
    """Batch ids this session may undo (last on top) and redo."""

    def __init__(self) -> None:
        self._undo: list[int] = []
        self._redo: list[int] = []

    def push(self, batch_id: int | None) -> None:
        """Record a new undoable batch; a new change forgets what could be redone."""
        if batch_id is not None:
            self._undo.append(batch_id)
            self._redo.clear()

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self, desk: Desk) -> list[F.FieldChange]:
        """Revert the last batch pushed; [] when there is none."""
        if not self._undo:
            return []
        batch = self._undo[-1]
        changes = undo_batch(desk, batch, source="undo")
        self._undo.pop()
        self._redo.append(batch)
        return changes

    def redo(self, desk: Desk) -> list[F.FieldChange]:
        """Write the last undone batch's changes again; [] when there is none."""
        if not self._redo:
            return []
        batch = self._redo[-1]
        changes = repo.batch_changes(batch)
        with write_transaction(desk.db):
            new_batch = _apply_as(desk, changes, "redo", f"やり直し #{batch}")
            # the values written again win over the conflicts undoing them had opened
            conflict_repo.settle_edited(changes, desk.actor.user, new_batch)
        self._redo.pop()
        if new_batch is not None:
            self._undo.append(new_batch)
        return changes


def undo_batch(desk: Desk, batch_id: int, *, source: str = "undo") -> list[F.FieldChange]:
    """Write back the old values of a whole batch (an import, a save) atomically."""
    info = repo.batch_info(batch_id)
    if info is None:
        raise StoreError(f"変更 #{batch_id} が見つかりません")
    if any(c.field == "created" for c in repo.batch_changes(batch_id)):
        raise StoreError("取組や体系の追加は元に戻せません。不要な取組は「廃止」にしてください")
    if info.undone_by is not None:
        raise StoreError(f"変更 #{batch_id} はすでに元に戻されています")
    inverse = [c.inverse() for c in reversed(repo.batch_changes(batch_id))]
    with write_transaction(desk.db):
        _apply_as(desk, inverse, source, f"元に戻す #{batch_id}", undoes=batch_id)
        conflict_repo.reopen(batch_id)  # a conflict that batch settled is open again
    return inverse


def undo_past(desk: Desk, batch_id: int) -> list[F.FieldChange]:
    """The history's 「この変更を元に戻す」: undo one past batch (undo_batch), refused first
    with PermissionDenied when the role may not change one of its fields now (a department
    never reverts the secretariat's text, another department's result, a 体系 title)."""
    role = desk.role
    for c in repo.batch_changes(batch_id):
        if c.measure_id and c.node_id is None and c.indicator_id is None:
            allowed = desk.can_edit(desk.measure(c.measure_id), c.field)
        else:
            allowed = role is not None and role.is_secretariat
        if not allowed:
            raise PermissionDenied(
                "この変更には変更できない項目が含まれるため、元に戻せません",
                batch_id=batch_id,
                field=c.field,
            )
    return undo_batch(desk, batch_id, source="undo")


def _apply_as(
    desk: Desk,
    changes: list[F.FieldChange],
    source: str,
    description: str,
    undoes: int | None = None,
) -> int | None:
    try:
        batch = repo.apply_changes(desk.db, changes, desk.actor, source, description, undoes=undoes)
    except ConflictError as exc:
        raise StoreError("後から同じ項目が変更されているため、元に戻せません", **exc.data) from exc
    desk.absorb(
        Changes.of(changes, batch)
        | Changes(batches=frozenset({undoes} if undoes is not None else ()))
    )
    return batch
