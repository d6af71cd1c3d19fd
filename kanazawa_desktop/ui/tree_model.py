"""Tree model of the plan: 方針 → 項目 → 小項目 → 取組, adapting domain nodes and rows.

Only nodes that lead to a visible measure are shown, so a department sees its own branch;
with `show_empty` (the secretariat, nothing filtered) every node, so a new 小項目 shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QFont

from ..domain.model import MeasureRow, Node
from .list_model import MeasureIdRole, NodeIdRole


@dataclass(eq=False)
class _Item:
    text: str
    parent: _Item | None
    measure_id: int | None = None
    tooltip: str = ""
    node_id: int | None = None
    children: list[_Item] = field(default_factory=list)

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent else 0


class PlanTreeModel(QAbstractItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Item("", None)
        self._by_measure: dict[int, _Item] = {}
        self._by_node: dict[int, _Item] = {}

    def set_content(self, nodes: list[Node], rows: list[MeasureRow], show_empty: bool = False) -> None:
        self.beginResetModel()
        self._root = _Item("", None)
        self._by_measure = {}
        items: dict[int, _Item] = {}
        self._by_node = items
        wanted = {r.node_id for r in rows}
        parent_of = {n.id: n.parent_id for n in nodes}
        keep = set()
        for nid in wanted:
            while nid is not None and nid not in keep:
                keep.add(nid)
                nid = parent_of.get(nid)
        if show_empty:
            keep = {n.id for n in nodes}
        for n in nodes:  # nodes come in printed order, parents first
            if n.id not in keep:
                continue
            parent = items.get(n.parent_id, self._root) if n.parent_id else self._root
            item = _Item(n.caption, parent, tooltip=n.caption, node_id=n.id)
            parent.children.append(item)
            items[n.id] = item
        for r in rows:
            parent = items.get(r.node_id, self._root)
            text, name = self._measure_text(r)
            item = _Item(text, parent, measure_id=r.id, tooltip=name)
            parent.children.append(item)
            self._by_measure[r.id] = item
        self.endResetModel()

    def _measure_text(self, r: MeasureRow) -> tuple[str, str]:
        name = r.display_name + (self.tr("（廃止）") if r.retired else "")
        return f"{r.number_label} {name}", name

    def update_rows(self, rows: dict[int, MeasureRow]) -> None:
        """Changed measures (same place in the tree): new texts, without a reset."""
        for mid, r in rows.items():
            item = self._by_measure.get(mid)
            if item is None:
                continue
            item.text, item.tooltip = self._measure_text(r)
            idx = self.createIndex(item.row(), 0, item)
            self.dataChanged.emit(idx, idx)

    def index_of_measure(self, measure_id: int) -> QModelIndex:
        item = self._by_measure.get(measure_id)
        return self.createIndex(item.row(), 0, item) if item else QModelIndex()

    def index_of_node(self, node_id: int) -> QModelIndex:
        item = self._by_node.get(node_id)
        return self.createIndex(item.row(), 0, item) if item else QModelIndex()

    def _item(self, index: QModelIndex) -> _Item:
        return index.internalPointer() if index.isValid() else self._root

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        item = self._item(parent)
        if column != 0 or not (0 <= row < len(item.children)):
            return QModelIndex()
        return self.createIndex(row, 0, item.children[row])

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        p = self._item(index).parent
        if p is None or p is self._root:
            return QModelIndex()
        return self.createIndex(p.row(), 0, p)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._item(parent).children)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 1

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        item = self._item(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return item.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.tooltip
        if role == MeasureIdRole:
            return item.measure_id
        if role == NodeIdRole:
            return item.node_id
        if role == Qt.ItemDataRole.FontRole and item.measure_id is None:
            f = QFont()
            f.setBold(True)
            return f
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
