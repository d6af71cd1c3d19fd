"""Table model of a measure's change history (newest first)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from ..domain.fields import LABELS
from ..domain.fiscal import long_label
from ..domain.history import HistoryEntry
from ..domain.status import Status

HEADERS = ("日時", "利用者", "役割", "経路", "年度", "項目", "変更前", "変更後")


def show_value(field: str, value: object) -> str:
    if value is None:
        return ""
    if field == "status":
        return Status(value).label
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


class HistoryModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[HistoryEntry] = []

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(HEADERS):
            return self.tr(HEADERS[section])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self._entries)):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        e = self._entries[index.row()]
        col = index.column()
        values = (
            e.at.replace("T", " ")[:19],
            e.user,
            e.role,
            e.source_label + ("（取消済）" if e.undone else ""),
            long_label(e.fy) if e.fy else "",
            LABELS.get(e.field, e.field),
            show_value(e.field, e.old),
            show_value(e.field, e.new),
        )
        text = values[col] if 0 <= col < len(values) else None
        if role == Qt.ItemDataRole.DisplayRole and isinstance(text, str) and "\n" in text:
            return text.replace("\n", " ⏎ ")
        return text
