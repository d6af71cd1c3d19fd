"""The secretariat assigns departments to many items at once from a table (`番号`, `担当課`).

Every row is checked before anything is written: an unknown 番号, a number given twice, a
【再掲】 row (it has no departments of its own) are refused with the row; then all the changes
are one batch — recorded in the history, undone as a whole, and carried to department PCs by
the next master workbook like any change of 担当課. Rows that change nothing are counted, not
written.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.errors import InvalidValue, PermissionDenied
from ..domain.model import MeasureRow
from ..workbook.assignments import read_assignments

if TYPE_CHECKING:
    from .desk import Desk, SaveResult


@dataclass(frozen=True)
class AssignResult:
    changed: int  # items whose departments changed
    unchanged: int
    result: SaveResult | None  # None for a dry run or when nothing changed


def _index(rows: list[MeasureRow]) -> dict[str, MeasureRow]:
    """What a 番号 cell may say for an item: its key (1-1-①), No.12, or 12."""
    out: dict[str, MeasureRow] = {}
    for r in rows:
        out[r.key] = r
        if r.repeat_of is None and r.number is not None:
            out[f"No.{r.number}"] = r
            out[str(r.number)] = r
    return out


def assign_departments(desk: Desk, path: Path, *, dry_run: bool = False) -> AssignResult:
    role = desk.role
    if role is None or not role.is_secretariat:
        raise PermissionDenied("担当課の一括設定は事務局だけが行えます")
    rows = desk.rows(all_departments=True)
    by_number = _index(rows)
    edits: dict[int, dict[tuple[int | None, str], object]] = {}
    unchanged = 0
    seen: dict[int, int] = {}
    name = Path(path).name
    for a in read_assignments(Path(path)):
        # as typed (1-1-① keeps its ①), else width-folded (Ｎｏ．１２ = No.12)
        r = by_number.get(a.number) or by_number.get(unicodedata.normalize("NFKC", a.number))
        if r is None:
            raise InvalidValue(
                f"{name} {a.row}行目: 番号「{a.number}」は計画「{desk.plan.name}」にありません",
                row=a.row,
            )
        if r.repeat_of is not None:
            raise InvalidValue(
                f"{name} {a.row}行目: {a.number} は【再掲】です（担当課は再掲元で設定します）",
                row=a.row,
            )
        if r.id in seen:
            raise InvalidValue(
                f"{name} {a.row}行目: {a.number} は {seen[r.id]}行目にもあります", row=a.row
            )
        seen[r.id] = a.row
        if tuple(r.departments) == a.departments:
            unchanged += 1
            continue
        edits[r.id] = {(None, "departments"): list(a.departments)}
    if dry_run or not edits:
        return AssignResult(len(edits), unchanged, None)
    result = desk.save_many(edits, source="import", description=f"担当課の一括設定（{name}）")
    return AssignResult(len(edits), unchanged, result)
