"""Table model of the 取組事項一覧: one row per measure, R5–R8 status columns.

A thin adapter over a list of domain MeasureRow; it owns nothing else. Rows are handed to
the view in batches (canFetchMore/fetchMore, as the view scrolls near the end): a view over
20,000 measures lays out a few hundred rows, not all of them. `ensure_row` fetches up to a
row the window wants to select.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from ..domain.fiscal import short_label
from ..domain.model import MeasureRow
from ..domain.status import Status

COL_NO, COL_NAME, COL_DEPT = 0, 1, 2
FIXED_COLUMNS = 3

STATUS_BRUSHES = {
    Status.ACHIEVED: QBrush(QColor("#cfe8cf")),
    Status.NOT_ACHIEVED: QBrush(QColor("#f6cfcf")),
}
FETCH_BATCH = 256  # rows handed to the view per fetchMore
MARK_CHUNK = 64  # rows whose marks are read together, when the view first asks for one
MeasureIdRole = Qt.ItemDataRole.UserRole + 1
NodeIdRole = Qt.ItemDataRole.UserRole + 2  # the tree's 方針/項目/小項目 rows


class MeasureListModel(QAbstractTableModel):
    def __init__(self, years: tuple[int, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._years = years
        self._rows: list[MeasureRow] = []
        self._ids: list[int] = []  # list.index finds a row: a C scan, no dict built per filter
        self._loaded = 0  # rows the view has been given so far
        # per measure, the years whose chosen status the indicators judge otherwise; read for
        # the rows the view paints only, a chunk at a time (judging every row cost 0.25 s of a
        # 20,000 start; judging every row fetched cost 44 ms of each switch to a far measure)
        self.marks_source: Callable[[list[MeasureRow]], dict[int, dict[int, str]]] | None = None
        self._marks: dict[int, dict[int, str]] = {}
        self._marked: set[int] = set()  # chunks (row // MARK_CHUNK) read

    def set_rows(self, rows: list[MeasureRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._ids = [r.id for r in self._rows]
        self._loaded = min(len(self._rows), FETCH_BATCH)
        self._marks, self._marked = {}, set()
        self.endResetModel()

    def _read_marks(self, rows: list[MeasureRow]) -> None:
        numeric = [r for r in rows if r.numeric]
        if numeric and self.marks_source is not None:
            self._marks.update(self.marks_source(numeric))

    def _marks_of(self, row: int) -> dict[int, str]:
        chunk = row // MARK_CHUNK
        if chunk not in self._marked:
            self._marked.add(chunk)
            self._read_marks(self._rows[chunk * MARK_CHUNK : (chunk + 1) * MARK_CHUNK])
        return self._marks.get(self._rows[row].id, {})

    def update_rows(self, rows: dict[int, MeasureRow]) -> None:
        """Changed measures already listed: replaced in place, one dataChanged per row shown."""
        for mid, r in rows.items():
            i = self.row_of(mid)
            if i < 0:
                continue
            self._rows[i] = r
            if i < self._loaded:
                self._marks.pop(mid, None)
                if i // MARK_CHUNK in self._marked:
                    self._read_marks([r])
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))

    def row_of(self, measure_id: int) -> int:
        """The measure's row in the whole list (it may not be fetched yet: see ensure_row)."""
        try:
            return self._ids.index(measure_id)
        except ValueError:
            return -1

    def total(self) -> int:
        return len(self._rows)

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008,N802
        return not parent.isValid() and self._loaded < len(self._rows)

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: B008,N802
        self._fetch_to(self._loaded + FETCH_BATCH)

    def ensure_row(self, row: int) -> None:
        """Give the view every row up to `row` (and the rest of its batch)."""
        if row >= self._loaded:
            self._fetch_to(row + FETCH_BATCH)

    def _fetch_to(self, end: int) -> None:
        end = min(end, len(self._rows))
        if end <= self._loaded:
            return
        self.beginInsertRows(QModelIndex(), self._loaded, end - 1)
        self._loaded = end
        self.endInsertRows()

    def measure_at(self, row: int) -> MeasureRow:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else FIXED_COLUMNS + len(self._years)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == COL_NO:
            return self.tr("取組No.")
        if section == COL_NAME:
            return self.tr("取組事項名")
        if section == COL_DEPT:
            return self.tr("担当課")
        if 0 <= section - FIXED_COLUMNS < len(self._years):
            return short_label(self._years[section - FIXED_COLUMNS])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < self._loaded):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == MeasureIdRole:
            return r.id
        status = None
        if col >= FIXED_COLUMNS:
            status = r.statuses.get(self._years[col - FIXED_COLUMNS], Status.PENDING)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NO:
                return "-" if r.repeat_of is not None else str(r.number)
            if col == COL_NAME:
                prefix = "【再掲】" if r.repeat_of is not None else ""
                suffix = self.tr("（廃止）") if r.retired else ""
                return prefix + r.display_name + suffix
            if col == COL_DEPT:
                return "、".join(r.departments)
            if status in (None, Status.PENDING):
                return ""
            fy = self._years[col - FIXED_COLUMNS]
            # ※ as the printed 一覧 marks it (its font has no ⚠)
            return status.label + ("※" if fy in self._marks_of(index.row()) else "")
        if role == Qt.ItemDataRole.ToolTipRole and col >= FIXED_COLUMNS:
            said = self._marks_of(index.row()).get(self._years[col - FIXED_COLUMNS])
            return self.tr("数値の判定は「%1」です").replace("%1", said) if said else None
        if role == Qt.ItemDataRole.BackgroundRole and status in STATUS_BRUSHES:
            return STATUS_BRUSHES[status]
        if role == Qt.ItemDataRole.TextAlignmentRole and (col == COL_NO or col >= FIXED_COLUMNS):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_NAME:
            return r.display_name
        return None
