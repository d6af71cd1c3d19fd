"""What the search found, marked in the tree and the 一覧: the matched parts of a row's text
painted on a highlight background.

`SearchHighlight` is an item delegate for both views; the window sets its `query` with the
filters. Matches are found as the search finds them (domain.filtering.match_spans: width,
case and kana folded), so 「てれわーく」 marks 「テレワーク」. `spans(index)` is what paint()
marks, in the index's display text.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ..domain.filtering import match_spans

MARK = QColor("#ffe066")  # a highlighter's yellow, readable under black text


class SearchHighlight(QStyledItemDelegate):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.query = ""

    def set_query(self, text: str) -> None:
        self.query = text.strip()

    def spans(self, index: QModelIndex) -> list[tuple[int, int]]:
        """(start, end) of each match in the index's display text."""
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not self.query or not isinstance(text, str):
            return []
        return match_spans(text, self.query)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        spans = self.spans(index)
        if not spans:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""  # background, selection, focus as usual; the text drawn below
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        rect = rect.adjusted(2, 0, -2, 0)  # the style's own text margin
        shown = opt.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        cut = len(shown) - 1 if shown != text else len(shown)  # before the ellipsis
        formats = []
        for start, end in spans:
            if start >= cut:
                break
            fr = QTextLayout.FormatRange()
            fr.start, fr.length = start, min(end, cut) - start
            fmt = QTextCharFormat()
            fmt.setBackground(QBrush(MARK))
            fmt.setForeground(QBrush(QColor("#000000")))
            fr.format = fmt
            formats.append(fr)
        layout = QTextLayout(shown, opt.font)
        layout.setFormats(formats)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(1e6)
        layout.endLayout()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (
            QPalette.ColorGroup.Normal
            if opt.state & QStyle.StateFlag.State_Active
            else QPalette.ColorGroup.Inactive
        )
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(opt.palette.color(group, role))
        painter.setClipRect(rect)
        y = rect.top() + (rect.height() - line.height()) / 2
        layout.draw(painter, QPointF(rect.left(), y), [], QRectF(rect))
        painter.restore()
