"""Drawing in points on a paged device: fonts, wrapped text blocks and table cells.

A Canvas wraps a QPainter on any QPagedPaintDevice (QPdfWriter, QPrinter). Coordinates are
points (1/72 inch) from the top-left corner of the page, whatever the device's resolution:
the painter is scaled by dpi/72. Qt rounds text metrics to whole device units, so text is
laid out with fonts OVERSAMPLE times larger (sized by 72/dpi) and drawn scaled back down:
positions and line heights are exact to a tenth of a point. Text wraps at word boundaries or, for long
Latin runs and Japanese, anywhere; nothing is ever clipped by a cell.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPainter,
    QPen,
    QTextLayout,
    QTextOption,
)

OVERSAMPLE = 10.0  # text is laid out at 10x size: Qt rounds metrics to whole device units
LINE_SPACING = 0.22  # extra leading, as a fraction of the font size
PAD_X = 3.0
PAD_Y = 2.5
INK = QColor("#111111")
GRID = QColor("#333333")
LABEL_FILL = QColor("#e4ebf2")
SUBTLE_FILL = QColor("#f1f4f7")
ACHIEVED_FILL = QColor("#cfe3f5")
NOT_ACHIEVED_FILL = QColor("#f3c6ad")
# Runs a line is never broken inside when it fits (words, numbers); CJK breaks anywhere.
_UNBROKEN = re.compile(r"[^\s\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]+")
_ASCII = re.compile(r"[ -~]+")
# Glyphs and their positions are all drawing needs: the strings and string indexes glyphRuns
# also gathers by default cost more than drawing them.
_RUNS = (
    QTextLayout.GlyphRunRetrievalFlag.RetrieveGlyphIndexes
    | QTextLayout.GlyphRunRetrievalFlag.RetrieveGlyphPositions
)
KINSOKU_EM = 2  # characters the line-breaking rules may carry to the next line


def _run_width(run: str, em: float, ascii_w: float) -> float:
    ascii_n = sum(1 for ch in run if " " <= ch <= "~")
    return ascii_n * ascii_w + (len(run) - ascii_n) * em


@dataclass
class TextBlock:
    """Text laid out at one size and width; `height` in points."""

    layout: QTextLayout
    height: float
    width: float
    size: float
    lines: list[tuple[float, float]]  # (top, height) of each line


class Canvas:
    def __init__(
        self, device: QPagedPaintDevice, family: str, painter: QPainter | None = None
    ) -> None:
        self.device = device
        self.family = family
        self.painter = painter
        self.k = max(device.logicalDpiY(), 1) / 72.0
        self._fonts: dict[tuple[float, bool], QFont] = {}
        self._blocks: dict[tuple, TextBlock] = {}
        self._ems: dict[tuple[float, bool], tuple[float, float, float]] = {}

    # ---- fonts and text ------------------------------------------------------
    def font(self, size: float, bold: bool = False) -> QFont:
        key = (size, bold)
        f = self._fonts.get(key)
        if f is None:
            f = QFont(self.family)
            f.setPointSizeF(size * OVERSAMPLE / self.k)
            f.setBold(bold)
            f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
            self._fonts[key] = f
        return f

    def text_width(self, text: str, size: float, bold: bool = False) -> float:
        return self.block(text, size, 1e6, bold=bold).width

    def block(
        self,
        text: str,
        size: float,
        width: float,
        *,
        bold: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    ) -> TextBlock:
        """Lay `text` out in `width` points; newlines are kept as line breaks.

        Blocks are cached per canvas: labels repeat on every sheet.
        """
        key = (text, size, width, bold, align)
        cached = self._blocks.get(key)
        if cached is not None:
            return cached
        if len(self._blocks) > 4096:
            self._blocks.clear()
        layout = QTextLayout(
            text.replace("\r\n", "\n").replace("\n", "\u2028"), self.font(size, bold), self.device
        )
        opt = QTextOption(align)
        opt.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(opt)
        layout.setCacheEnabled(True)
        s = OVERSAMPLE
        leading = size * LINE_SPACING * s
        y = 0.0
        widest = 0.0
        lines: list[tuple[float, float]] = []
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(width, 1.0) * s)
            line.setPosition(QPointF(0.0, y))
            lines.append((y / s, line.height() / s))
            widest = max(widest, line.naturalTextWidth() / s)
            y += line.height() + leading
        layout.endLayout()
        height = (y - leading) / s if lines else 0.0
        block = TextBlock(layout, height, widest, size, lines)
        self._blocks[key] = block
        return block

    def height_bound(self, text: str, size: float, width: float, *, bold: bool = False) -> float:
        """An upper bound of `block(text, size, width).height`, without laying the text out.

        Each ASCII character is taken as wide as the widest ASCII glyph, every other one as
        wide as the font's widest glyph; every line but the last is taken as short by the
        widest unbreakable run (a word, a number) plus KINSOKU_EM characters the
        line-breaking rules may carry over. inf when that leaves no room. Used to prove
        that a sheet fits without laying it out."""
        em, ascii_w, line_h = self._em(size, bold)
        room = max(width, 1.0)
        lines = 0
        for para in text.replace("\r\n", "\n").split("\n"):
            if not para:
                lines += 1
                continue
            n_ascii = len(para) - len(_ASCII.sub("", para))
            total = n_ascii * ascii_w + (len(para) - n_ascii) * em
            run = max((_run_width(r, em, ascii_w) for r in _UNBROKEN.findall(para)), default=0.0)
            usable = room - run - KINSOKU_EM * em
            if usable <= 0:
                return math.inf
            lines += max(1, math.ceil(total / usable))
        return lines * line_h + (lines - 1) * size * LINE_SPACING

    def _em(self, size: float, bold: bool) -> tuple[float, float, float]:
        """(widest advance, widest ASCII advance, line height) in points at this size."""
        key = (size, bold)
        cached = self._ems.get(key)
        if cached is None:
            metrics = QFontMetricsF(self.font(size, bold), self.device)
            widest = max(metrics.maxWidth() / OVERSAMPLE, size)
            ascii_w = max(metrics.horizontalAdvance(chr(c)) for c in range(32, 127)) / OVERSAMPLE
            cached = (
                widest,
                min(ascii_w, widest),
                self.block("あ", size, 1e6, bold=bold).lines[0][1],
            )
            self._ems[key] = cached
        return cached

    def draw_block(
        self, block: TextBlock, x: float, y: float, color: QColor = INK, lines: range | None = None
    ) -> None:
        """Draw the block with its top-left at (x, y); only `lines` when given."""
        p = self.painter
        p.save()
        p.setPen(color)
        p.translate(x, y)
        p.scale(1 / OVERSAMPLE, 1 / OVERSAMPLE)
        origin = QPointF(0.0, 0.0)
        if lines is None:
            runs = block.layout.glyphRuns(-1, -1, _RUNS)
        else:
            runs = [r for i in lines for r in block.layout.lineAt(i).glyphRuns(-1, -1, _RUNS)]
        for run in runs:
            p.drawGlyphRun(origin, run)
        p.restore()

    def text(
        self,
        text: str,
        x: float,
        y: float,
        size: float,
        width: float,
        *,
        bold: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        color: QColor = INK,
    ) -> float:
        """Draw wrapped text from (x, y); returns the height used."""
        block = self.block(text, size, width, bold=bold, align=align)
        self.draw_block(block, x, y, color)
        return block.height

    # ---- shapes --------------------------------------------------------------
    def fill(self, rect: QRectF, color: QColor) -> None:
        self.painter.fillRect(rect, color)

    def frame(self, rect: QRectF, width: float = 0.6, color: QColor = GRID) -> None:
        pen = QPen(color, width)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        self.painter.setPen(pen)
        self.painter.setBrush(Qt.BrushStyle.NoBrush)
        self.painter.drawRect(rect)

    def cell(
        self,
        rect: QRectF,
        block: TextBlock | None,
        *,
        fill: QColor | None = None,
        valign_center: bool = False,
    ) -> None:
        """A table cell: optional fill, its text (top or centred), a thin frame."""
        if fill is not None:
            self.fill(rect, fill)
        if block is not None and block.lines:
            y = rect.top() + PAD_Y
            if valign_center:
                y = rect.top() + max(PAD_Y, (rect.height() - block.height) / 2)
            self.draw_block(block, rect.left() + PAD_X, y)
        self.frame(rect)
