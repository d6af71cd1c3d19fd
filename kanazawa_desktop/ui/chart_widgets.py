"""Widgets that show the 見える化 charts of printing/charts.py, and a list model of labels.

GridWidget paints a BarGrid at its full width, takes the height the grid needs for that width,
reports a click on a segment (`clicked(Hit)`) and shows an elided row label whole as a
tooltip; IndicatorWidget paints one IndicatorChart; Labels is a string list whose strings are
their own tooltips (the lists elide them).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPointF, QRectF, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QHelpEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QToolTip, QWidget

from ..printing.charts import BarGrid, Hit, IndicatorChart


class Labels(QStringListModel):
    """Strings that are their own tooltip (the list elides them)."""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.ToolTipRole:
            role = Qt.ItemDataRole.DisplayRole
        return super().data(index, role)


class GridWidget(QWidget):
    """A BarGrid on a widget: its height follows its width; a click reports the segment."""

    clicked = Signal(object)  # Hit

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid: BarGrid | None = None
        self.setMouseTracking(False)

    def set_grid(self, grid: BarGrid) -> None:
        self.grid = grid
        self._fit()
        self.update()

    def _fit(self) -> None:
        if self.grid is not None:
            self.setFixedHeight(int(self.grid.height_for(max(self.width(), 200))) + 2)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(600, int(self.grid.height_for(600)) if self.grid else 100)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if self.grid is None:
            return
        p = QPainter(self)
        try:
            self.grid.paint(p, QRectF(self.rect()).adjusted(4, 2, -4, -2))
        finally:
            p.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.grid is not None:
            assert isinstance(event, QHelpEvent)
            text = self.grid.label_at(QPointF(event.pos()))  # an elided 方針's whole title
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        hit = self.grid.segment_at(QPointF(event.position())) if self.grid else None
        if hit is not None:
            self.clicked.emit(hit)
        super().mousePressEvent(event)

    def segment_center(self, hit: Hit) -> QPointF | None:
        r = self.grid.segment_rect(hit) if self.grid else None
        return r.center() if r is not None else None


class IndicatorWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart: IndicatorChart | None = None
        self.setMinimumSize(360, 300)

    def set_chart(self, chart: IndicatorChart | None) -> None:
        self.chart = chart
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if self.chart is None:
            return
        p = QPainter(self)
        try:
            self.chart.paint(p, QRectF(self.rect()).adjusted(10, 8, -14, -8))
        finally:
            p.end()
