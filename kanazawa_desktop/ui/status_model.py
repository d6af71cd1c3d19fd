"""Item models of the 回収状況 worklist: one row per department (and plan), a filter.

`StatusModel` adapts a list of (plan code, plan name, DepartmentStatus) to rows; it owns
nothing else. Each cell has its text (DisplayRole) and a sort key (SORT_ROLE): times and
dates sort as dates, counts as numbers, the state by how far a department has come — never
as text. An overdue row is tinted (a calm rose) and its 回収期限 cell says 「期限切れ」, so
the mark is not colour alone.

`StatusFilter` (a QSortFilterProxyModel) shows すべて / 未回収 / 競合あり / 期限切れ
(`set_mode`), sorts by SORT_ROLE; `counts(rows)` gives each mode's count for its label.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from ..domain.deadline import deadline_label
from ..domain.display import short_time

if TYPE_CHECKING:  # the services load when the dialog opens, not with the window
    from ..services.exchange.status import DepartmentStatus

Row = tuple[str, str, "DepartmentStatus"]  # plan code, plan name, status

COLUMNS = ("計画", "担当課", "状況", "配布", "回収（取込）", "回収期限", "未解決の競合")
COL_PLAN, COL_DEPT, COL_STATE, COL_ISSUED, COL_RETURNED, COL_DEADLINE, COL_CONFLICTS = range(7)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_MARK = "期限切れ"
OVERDUE_BRUSH = QBrush(QColor("#fbe3e0"))  # a light rose: visible, not alarming
STATE_ORDER = {"未配布": 0, "未回収": 1, "競合あり": 2, "回収済": 3}

ALL, OUTSTANDING, CONFLICTS, OVERDUE = "all", "outstanding", "conflicts", "overdue"
MODES = (ALL, OUTSTANDING, CONFLICTS, OVERDUE)
MODE_LABELS = {ALL: "すべて", OUTSTANDING: "未回収", CONFLICTS: "競合あり", OVERDUE: "期限切れ"}


def in_mode(s: DepartmentStatus, mode: str) -> bool:
    if mode == OUTSTANDING:
        return s.state == "未回収"
    if mode == CONFLICTS:
        return bool(s.open_conflicts)
    if mode == OVERDUE:
        return s.overdue
    return True


def counts(rows: Sequence[Row]) -> dict[str, int]:
    return {mode: sum(1 for _, _, s in rows if in_mode(s, mode)) for mode in MODES}


def _text(plan: str, s: DepartmentStatus, col: int) -> str:
    if col == COL_PLAN:
        return plan
    if col == COL_DEPT:
        return s.department
    if col == COL_STATE:
        return s.state
    if col == COL_ISSUED:
        return short_time(s.issued_at)
    if col == COL_RETURNED:
        return short_time(s.returned_at)
    if col == COL_DEADLINE:
        label = deadline_label(s.deadline)
        return f"{label}　{OVERDUE_MARK}" if s.overdue else label
    if s.open_conflicts:
        # an open item (不正な値) is counted with the conflicts and named as one
        return f"{len(s.open_conflicts)}件 " + "、".join(
            f"不正な値 {c.what.split(': ', 1)[0]}" if c.invalid else c.what
            for c in s.open_conflicts
        )
    return ""


def _key(plan: str, s: DepartmentStatus, col: int) -> object:
    """What a column sorts by; a tuple ending with the department keeps ties in a stable order."""
    if col == COL_STATE:
        return (STATE_ORDER.get(s.state, 9), s.department)
    if col == COL_ISSUED:
        return (s.issued_at or "", s.department)  # ISO times of one database sort as dates
    if col == COL_RETURNED:
        return (s.returned_at or "", s.department)
    if col == COL_DEADLINE:
        # no deadline after every date, in either direction of the sort it stays apart
        return (s.deadline is None, s.deadline or "", s.department)
    if col == COL_CONFLICTS:
        return (len(s.open_conflicts), s.department)
    return (_text(plan, s, col), s.department)


class StatusModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Row]:
        return list(self._rows)

    def status(self, row: int) -> DepartmentStatus | None:
        return self._rows[row][2] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return self.tr(COLUMNS[section])
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        _code, plan, s = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(plan, s, col)
        if role == SORT_ROLE:
            return _key(plan, s, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return s.returned_file if col == COL_RETURNED else _text(plan, s, col)
        if role == Qt.ItemDataRole.BackgroundRole and s.overdue:
            return OVERDUE_BRUSH
        return None


class StatusFilter(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.mode = ALL
        self.setSortRole(SORT_ROLE)

    def set_mode(self, mode: str) -> None:
        self.beginFilterChange()  # Qt 6.10+: invalidateFilter() is deprecated
        self.mode = mode
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self,
        source_row: int,
        source_parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        model = self.sourceModel()
        s = model.status(source_row) if isinstance(model, StatusModel) else None
        return s is not None and in_mode(s, self.mode)

    def lessThan(
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        return bool(a < b)  # tuples of like types per column (see _key)
