"""Table model of a measure's change history (newest first)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from ..domain.display import format_value
from ..domain.fields import label as field_label
from ..domain.fiscal import long_label
from ..domain.history import HistoryEntry

HEADERS = ("日時", "利用者", "役割", "経路", "年度", "項目", "変更前", "変更後")


class HistoryModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[HistoryEntry] = []
        self._node_names: dict[str, str] = {}
        self._indicator_names: dict[str, str] = {}
        self._owned_names: dict[int, str] = {}

    def set_entries(
        self,
        entries: list[HistoryEntry],
        node_names: dict[str, str] | None = None,
        indicator_names: dict[str, str] | None = None,
        *,
        owned_names: dict[int, str] | None = None,
    ) -> None:
        """`node_names` (node key -> caption) shows a move of 体系 by name, not by key;
        `indicator_names` (indicator key -> name, "" for the first) an indicator's value;
        `owned_names` (indicator id -> name) a value of an indicator no measure owns."""
        self.beginResetModel()
        self._entries = list(entries)
        self._node_names = dict(node_names or {})
        self._indicator_names = dict(indicator_names or {})
        self._owned_names = dict(owned_names or {})
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(HEADERS)
        ):
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
            self._field(e),
            format_value(e.field, e.old, node_names=self._node_names),
            format_value(e.field, e.new, node_names=self._node_names),
        )
        text = values[col] if 0 <= col < len(values) else None
        if role == Qt.ItemDataRole.DisplayRole and isinstance(text, str) and "\n" in text:
            return text.replace("\n", " ⏎ ")
        return text

    def entry(self, row: int) -> HistoryEntry | None:
        """The entry shown on `row`, or None."""
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def _field(self, e: HistoryEntry) -> str:
        if e.indicator_id is not None:  # a 基本目標's or the plan's own 数値目標
            return f"{field_label(e.field)}（{self._owned_names.get(e.indicator_id, '')}）"
        return field_label(e.field, self._indicator_names) + (f"（{e.node}）" if e.node else "")
