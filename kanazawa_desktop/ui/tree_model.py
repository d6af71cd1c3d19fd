"""Tree model of the plan: 方針 → 項目 → 小項目 → 取組, adapting domain nodes and rows.

Only nodes that lead to a visible measure are shown, so a department sees its own branch;
with `show_empty` (the secretariat, nothing filtered) every node, so a new 小項目 shows.

Lazy at city scale: only the 方針/項目/小項目 (a few hundred) are items; a measure is an
index whose internal id is its place in the row list, and its text is made when a view asks
for it. Setting 20,000 rows costs a few list appends per row, no object per measure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QFont

from ..domain.model import MeasureRow, Node
from .list_model import MeasureIdRole, NodeIdRole

EXPAND_ALL_LIMIT = 1500  # up to this many measures the window opens every branch (see node text)
_MEASURE = 1 << 40  # internal ids: a node's ordinal + 1 below this, _MEASURE + a row's place above


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
        self._top: list[int] = []  # node ordinals at the root
        self._top_measures: list[int] = []  # measures whose node is not shown (none in practice)
        self._rows: list[MeasureRow] = []
        self._m_parent: list[int] = []  # per row place: parent node ordinal (-1: root)
        self._m_row: list[int] = []  # per row place: row among the parent's children
        self._by_measure: dict[int, int] = {}
        self._by_node: dict[int, int] = {}
        self._with_counts = False

    def set_content(self, nodes: list[Node], rows: list[MeasureRow], show_empty: bool = False) -> None:
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
            siblings = items[p].nodes if p >= 0 else self._top
            by_node[n.id] = len(items)
            siblings.append(len(items))
            items.append(_NodeItem(n.caption, n.caption, n.id, p, len(siblings) - 1))
        self._rows = list(rows)
        m_parent, m_row = self._m_parent, self._m_row
        for place, r in enumerate(self._rows):
            p = by_node.get(r.node_id, -1)
            siblings = items[p].measures if p >= 0 else self._top_measures
            siblings.append(place)
            m_parent.append(p)
            m_row.append((len(items[p].nodes) if p >= 0 else len(self._top)) + len(siblings) - 1)
            self._by_measure[r.id] = place
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
            place = self._by_measure.get(mid)
            if place is None:
                continue
            self._rows[place] = r
            idx = self.createIndex(self._m_row[place], 0, _MEASURE + place)
            self.dataChanged.emit(idx, idx)

    def index_of_measure(self, measure_id: int) -> QModelIndex:
        place = self._by_measure.get(measure_id)
        return QModelIndex() if place is None else self.createIndex(self._m_row[place], 0, _MEASURE + place)

    def index_of_node(self, node_id: int) -> QModelIndex:
        k = self._by_node.get(node_id)
        return QModelIndex() if k is None else self.createIndex(self._items[k].row, 0, k + 1)

    def node_indexes(self, *, max_level: int) -> list[QModelIndex]:
        """Indexes of the shown nodes down to `max_level` levels (1: the 方針), parents first."""
        out, todo = [], [(k, 1) for k in self._top]
        while todo:
            k, level = todo.pop(0)
            out.append(self.createIndex(self._items[k].row, 0, k + 1))
            if level < max_level:
                todo += [(c, level + 1) for c in self._items[k].nodes]
        return out

    # ---- QAbstractItemModel ---------------------------------------------------------
    def _children(self, parent: QModelIndex) -> tuple[list[int], list[int]] | None:
        if not parent.isValid():
            return self._top, self._top_measures
        iid = parent.internalId()
        if iid >= _MEASURE:
            return None  # a measure has no children
        item = self._items[iid - 1]
        return item.nodes, item.measures

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        children = self._children(parent) if column == 0 and row >= 0 else None
        if children is None:
            return QModelIndex()
        nodes, measures = children
        if row < len(nodes):
            return self.createIndex(row, 0, nodes[row] + 1)
        if row - len(nodes) < len(measures):
            return self.createIndex(row, 0, _MEASURE + measures[row - len(nodes)])
        return QModelIndex()

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        iid = index.internalId()
        p = self._m_parent[iid - _MEASURE] if iid >= _MEASURE else self._items[iid - 1].parent
        return QModelIndex() if p < 0 else self.createIndex(self._items[p].row, 0, p + 1)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        if parent.isValid() and parent.column() != 0:
            return 0
        children = self._children(parent)
        return 0 if children is None else len(children[0]) + len(children[1])

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008,N802
        return self.rowCount(parent) > 0

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 1

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        iid = index.internalId()
        if iid >= _MEASURE:
            r = self._rows[iid - _MEASURE]
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
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
