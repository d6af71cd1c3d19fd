"""Tree model of the plan: 方針 → 項目 → 小項目 → 取組, adapting domain nodes and rows.

Only nodes that lead to a visible measure are shown, so a department sees its own branch;
with `show_empty` (the secretariat, nothing filtered) every node, so a new 小項目 shows.

Lazy at city scale: only the 方針/項目/小項目 (a few hundred) are items; a measure is an
index whose internal id names its node and its place there, and its text is made when a view
asks for it. Setting 20,000 rows costs one list append per row, no object per measure.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QFont

from ..domain.model import MeasureRow, Node
from .list_model import MeasureIdRole, NodeIdRole

EXPAND_ALL_LIMIT = 1500  # up to this many measures the window opens every branch (see node text)
# internal ids: a node is its ordinal + 1; a measure is _MEASURE + (its node's ordinal + 1) *
# _SPAN + its place among that node's measures, so parent() needs no table per measure
_MEASURE = 1 << 50
_SPAN = 1 << 24
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # made once: enum | is slow


@dataclass(eq=False)
class _NodeItem:
    text: str
    tooltip: str
    node_id: int
    parent: int  # ordinal of the parent node item, -1 for the root
    row: int  # place among the parent's children
    nodes: list[int] = field(default_factory=list)  # child node ordinals, shown first
    measures: list[int] = field(default_factory=list)  # places in the row list, shown after
    count: int = 0  # measures shown in this branch


class PlanTreeModel(QAbstractItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clear()
        self._bold = QFont()
        self._bold.setBold(True)

    def _clear(self) -> None:
        self._items: list[_NodeItem] = []
        self._root = _NodeItem("", "", 0, -1, 0)  # its nodes: the 方針; measures: none in practice
        self._rows: list[MeasureRow] = []
        self._ids: list[int] = []  # measure id per place (list.index: a C scan, no dict to build)
        self._by_node: dict[int, int] = {}
        self._with_counts = False

    def set_content(
        self, nodes: list[Node], rows: list[MeasureRow], show_empty: bool = False
    ) -> None:
        self.beginResetModel()
        self._clear()
        # too many to open every branch: a node says how many measures it holds instead
        self._with_counts = len(rows) > EXPAND_ALL_LIMIT
        parent_of = {n.id: n.parent_id for n in nodes}
        keep: set[int] = set()
        for nid in {r.node_id for r in rows}:
            while nid is not None and nid not in keep:
                keep.add(nid)
                nid = parent_of.get(nid)
        if show_empty:
            keep = {n.id for n in nodes}
        items, by_node = self._items, self._by_node
        for n in nodes:  # nodes come in printed order, parents first
            if n.id not in keep:
                continue
            p = by_node.get(n.parent_id, -1) if n.parent_id else -1
            siblings = items[p].nodes if p >= 0 else self._root.nodes
            by_node[n.id] = len(items)
            siblings.append(len(items))
            caption = n.caption
            items.append(_NodeItem(caption, caption, n.id, p, len(siblings) - 1))
        self._rows = list(rows)
        self._ids = [r.id for r in self._rows]
        lists = {nid: items[k].measures for nid, k in by_node.items()}
        root = self._root.measures
        for place, r in enumerate(self._rows):
            lists.get(r.node_id, root).append(place)
        for item in reversed(items):  # children after parents: counts flow upwards
            item.count += len(item.measures)
            if item.parent >= 0:
                items[item.parent].count += item.count
        self.endResetModel()

    def measure_count(self) -> int:
        return len(self._rows)

    def opens_everything(self) -> bool:
        """Whether a view should expand every branch (else the levels above the measures)."""
        return not self._with_counts

    def _measure_text(self, r: MeasureRow) -> tuple[str, str]:
        name = r.display_name + (self.tr("（廃止）") if r.retired else "")
        return f"{r.number_label} {name}", name

    def update_rows(self, rows: dict[int, MeasureRow]) -> None:
        """Changed measures (same place in the tree): new texts, without a reset."""
        for mid, r in rows.items():
            idx = self.index_of_measure(mid)
            if idx.isValid():
                self._rows[self._ids.index(mid)] = r
                self.dataChanged.emit(idx, idx)

    def index_of_measure(self, measure_id: int) -> QModelIndex:
        try:
            place = self._ids.index(measure_id)
        except ValueError:
            return QModelIndex()
        k = self._by_node.get(self._rows[place].node_id, -1)
        holder = self._items[k] if k >= 0 else self._root
        j = bisect_left(holder.measures, place)  # places ascend within a node
        return self.createIndex(len(holder.nodes) + j, 0, _MEASURE + (k + 1) * _SPAN + j)

    def index_of_node(self, node_id: int) -> QModelIndex:
        k = self._by_node.get(node_id)
        return QModelIndex() if k is None else self.createIndex(self._items[k].row, 0, k + 1)

    # ---- QAbstractItemModel ---------------------------------------------------------
    def _holder(self, parent: QModelIndex) -> _NodeItem | None:
        if not parent.isValid():
            return self._root
        iid = parent.internalId()
        return None if iid >= _MEASURE else self._items[iid - 1]  # a measure has no children

    def _measure(self, iid: int) -> MeasureRow:
        k, j = divmod(iid - _MEASURE, _SPAN)
        holder = self._items[k - 1] if k else self._root
        return self._rows[holder.measures[j]]

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        holder = self._holder(parent) if column == 0 and row >= 0 else None
        if holder is None:
            return QModelIndex()
        if row < len(holder.nodes):
            return self.createIndex(row, 0, holder.nodes[row] + 1)
        j = row - len(holder.nodes)
        if j < len(holder.measures):
            k = parent.internalId() if parent.isValid() else 0
            return self.createIndex(row, 0, _MEASURE + k * _SPAN + j)
        return QModelIndex()

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        iid = index.internalId()
        p = (iid - _MEASURE) // _SPAN - 1 if iid >= _MEASURE else self._items[iid - 1].parent
        return QModelIndex() if p < 0 else self.createIndex(self._items[p].row, 0, p + 1)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        if parent.isValid() and parent.column() != 0:
            return 0
        holder = self._holder(parent)
        return 0 if holder is None else len(holder.nodes) + len(holder.measures)

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008,N802
        return self.rowCount(parent) > 0

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 1

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        iid = index.internalId()
        if iid >= _MEASURE:
            r = self._measure(iid)
            if role == Qt.ItemDataRole.DisplayRole:
                return self._measure_text(r)[0]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._measure_text(r)[1]
            if role == MeasureIdRole:
                return r.id
            return None
        item = self._items[iid - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{item.text}（{item.count}）" if self._with_counts else item.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.tooltip + self.tr("（%1 件）").replace("%1", str(item.count))
        if role == NodeIdRole:
            return item.node_id
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS
