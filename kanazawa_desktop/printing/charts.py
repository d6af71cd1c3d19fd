"""The 見える化 charts, drawn with QPainter into any rectangle of any paint device.

    grid = BarGrid(columns=["R5", "R6"], rows=[GridRow("全体", "", [bar5, bar6], strong=True)],
                   legend=STATUS_LEGEND, family="IPAexGothic")
    grid.paint(painter, QRectF(0, 0, 800, grid.height_for(800)))
    grid.segment_at(QPointF(x, y))        # (row, column, segment index) of the last paint

The same classes draw on the dashboard widget and on a PDF page (QPdfWriter): sizes are in
the painter's units (pixels on a widget, points on a page scaled as printing/canvas does),
text in the bundled Japanese font's family (or the window's). No Qt Charts (PySide6-Addons).

BarGrid: rows (全体 and each level-1 node) by columns (fiscal years); each cell one 100 %
stacked horizontal bar of domain.dashboard.Bar with its counts on the segments, the rate
under it; a legend above. IndicatorChart: one indicator over the years: the baseline, its
targets by kind (a line of yearly values, a band for a bound, a point for a value to reach
by a year), the actuals as a line whose marks are coloured by the year's verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from ..domain.dashboard import Bar, IndicatorView
from ..domain.fiscal import short_label
from ..domain.indicator import number_text
from ..domain.judgement import Verdict

INK = QColor("#222222")
SUBTLE = QColor("#666666")
RULE = QColor("#c8c8c8")
HIGHLIGHT = QColor("#fff6d5")
# the 一覧's colours (ui/list_model.py STATUS_BRUSHES) for 達成 / 未達成, grey for the rest
COLORS = {
    "achieved": QColor("#cfe8cf"),
    "not_achieved": QColor("#f6cfcf"),
    "": QColor("#e3e3e3"),  # 未確定
    "missing": QColor("#e3e3e3"),  # 未入力
    "undecidable": QColor("#f2e6b8"),  # 判定不可
    "回収済": QColor("#cfe8cf"),
    "競合あり": QColor("#f7dcae"),
    "未回収": QColor("#f6cfcf"),
    "未配布": QColor("#e3e3e3"),
}
EDGES = {
    "achieved": QColor("#3f8f3f"),
    "not_achieved": QColor("#c04040"),
    "undecidable": QColor("#a08a30"),
    "競合あり": QColor("#c07a20"),
    "回収済": QColor("#3f8f3f"),
    "未回収": QColor("#c04040"),
}
STATUS_LEGEND = (("achieved", "達成"), ("not_achieved", "未達成"), ("", "未確定"))
VERDICT_LEGEND = (
    ("achieved", "達成"),
    ("not_achieved", "未達成"),
    ("missing", "未入力"),
    ("undecidable", "判定不可"),
)
COLLECTION_LEGEND = tuple((w, w) for w in ("回収済", "競合あり", "未回収", "未配布"))


def _font(family: str, size: float, bold: bool = False) -> QFont:
    f = QFont(family)
    f.setPixelSize(max(1, round(size)))
    f.setBold(bold)
    return f


def _edge(key: str) -> QColor:
    return EDGES.get(key, QColor("#9a9a9a"))


def draw_legend(
    p: QPainter, x: float, y: float, items: Sequence[tuple[str, str]], family: str, size: float
) -> float:
    """Colour boxes with their words from (x, y) rightwards; returns the x after the last."""
    font = _font(family, size)
    fm = QFontMetricsF(font)
    p.setFont(font)
    box = size
    for key, word in items:
        p.setPen(QPen(_edge(key), 1))
        p.setBrush(QBrush(COLORS.get(key, QColor("#dddddd"))))
        p.drawRect(QRectF(x, y + (fm.height() - box) / 2, box, box))
        x += box + size * 0.35
        p.setPen(INK)
        p.drawText(QPointF(x, y + fm.ascent()), word)
        x += fm.horizontalAdvance(word) + size * 1.2
    return x


@dataclass(frozen=True)
class GridRow:
    label: str  # 全体 / 方針1
    title: str  # the node's title (elided to the label column)
    bars: Sequence[Bar | None]  # one per column
    strong: bool = False  # 全体: bold and taller


@dataclass(frozen=True)
class Hit:
    row: int
    column: int
    segment: int  # index into the bar's segments


class BarGrid:
    """Rows × columns of 100 % stacked bars with counts; hit-testing on the last paint."""

    def __init__(
        self,
        columns: Sequence[str],
        rows: Sequence[GridRow],
        legend: Sequence[tuple[str, str]],
        family: str,
        *,
        size: float = 13.0,
        highlight: int | None = None,
        show_rate: bool = False,
        label_share: float = 0.26,
    ) -> None:
        self.columns, self.rows, self.legend, self.family = (
            list(columns),
            list(rows),
            legend,
            family,
        )
        self.size, self.highlight, self.show_rate = size, highlight, show_rate
        self.label_share = label_share
        self._hits: list[tuple[QRectF, Hit]] = []
        self._labels: list[tuple[QRectF, str]] = []  # row labels painted, in full (a tooltip)

    def _row_height(self, row: GridRow) -> float:
        bar = self.size * (2.0 if row.strong else 1.6)
        return bar + (self.size * 1.25 if self.show_rate else 0) + self.size * 0.5

    def height_for(self, width: float) -> float:
        head = self.size * 1.6 * 2  # legend, column headings
        return head + sum(self._row_height(r) for r in self.rows) + self.size * 0.5

    def segment_at(self, point: QPointF) -> Hit | None:
        for rect, hit in self._hits:
            if rect.contains(point):
                return hit
        return None

    def label_at(self, point: QPointF) -> str:
        """The full label of the row whose (maybe elided) label is at `point`, or ""."""
        return next((text for r, text in self._labels if r.contains(point)), "")

    def segment_rect(self, hit: Hit) -> QRectF | None:
        """Where a segment was painted last (a test clicks its centre)."""
        return next((QRectF(r) for r, h in self._hits if h == hit), None)

    def paint(self, p: QPainter, rect: QRectF) -> None:
        self._hits, self._labels = [], []
        s = self.size
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        draw_legend(p, rect.left(), rect.top(), self.legend, self.family, s)
        y = rect.top() + s * 1.6
        label_w = max(s * 5, rect.width() * self.label_share)
        n = max(1, len(self.columns))
        gap = s * 0.8
        col_w = (rect.width() - label_w - gap * n) / n
        xs = [rect.left() + label_w + gap + i * (col_w + gap) for i in range(n)]
        p.setFont(_font(self.family, s, bold=True))
        total_h = self.height_for(rect.width()) - s * 1.6
        if self.highlight is not None and 0 <= self.highlight < n:
            p.fillRect(
                QRectF(xs[self.highlight] - gap / 2, y, col_w + gap, total_h - s * 0.5), HIGHLIGHT
            )
        for i, name in enumerate(self.columns):
            p.setPen(INK)
            p.drawText(QRectF(xs[i], y, col_w, s * 1.6), Qt.AlignmentFlag.AlignCenter, name)
        y += s * 1.6
        for r, row in enumerate(self.rows):
            h = self._row_height(row)
            p.setPen(QPen(RULE, 1))
            p.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            bar_h = s * (2.0 if row.strong else 1.6)
            top = y + s * 0.25
            label_font = _font(self.family, s, bold=row.strong)
            p.setFont(label_font)
            lfm = QFontMetricsF(label_font)
            p.setPen(INK)
            text = row.label
            if row.title:
                text = lfm.elidedText(
                    f"{row.label} {row.title}", Qt.TextElideMode.ElideRight, label_w - s * 0.5
                )
            self._labels.append(
                (QRectF(rect.left(), top, label_w, bar_h), f"{row.label} {row.title}".strip())
            )
            p.drawText(
                QRectF(rect.left(), top, label_w - s * 0.5, bar_h),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                text,
            )
            for c, bar in enumerate(row.bars[:n]):
                if bar is not None:
                    self._paint_bar(p, QRectF(xs[c], top, col_w, bar_h), bar, Hit(r, c, 0))
                    if self.show_rate:
                        self._paint_rate(p, QRectF(xs[c], top + bar_h, col_w, s * 1.25), bar)
            y += h
        p.restore()

    def _paint_bar(self, p: QPainter, box: QRectF, bar: Bar, where: Hit) -> None:
        total = bar.total
        count_font = _font(self.family, self.size * 0.92)
        fm = QFontMetricsF(count_font)
        if total == 0:
            p.setPen(QPen(RULE, 1, Qt.PenStyle.DashLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(box)
            p.setFont(count_font)
            p.setPen(SUBTLE)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, "なし")
            return
        x = box.left()
        shown = sum(1 for seg in bar.segments if seg.count)
        least = min(self.size * 0.6, box.width() / max(shown, 1))  # a 1 of 90 stays clickable
        spread = box.width() - least * shown
        for i, seg in enumerate(bar.segments):
            if not seg.count:
                continue
            w = least + spread * seg.count / total
            part = QRectF(x, box.top(), w, box.height())
            p.setPen(QPen(_edge(seg.key), 1))
            p.setBrush(QBrush(COLORS.get(seg.key, QColor("#dddddd"))))
            p.drawRect(part)
            self._hits.append((part, Hit(where.row, where.column, i)))
            label = str(seg.count)
            if fm.horizontalAdvance(label) + 4 <= w:
                p.setFont(count_font)
                p.setPen(INK)
                p.drawText(part, Qt.AlignmentFlag.AlignCenter, label)
            x += w

    def _paint_rate(self, p: QPainter, box: QRectF, bar: Bar) -> None:
        rate = bar.rate
        text = f"達成率 {rate * 100:.0f}%" if rate is not None else "達成率 －"
        font = _font(self.family, self.size * 0.85)
        p.setFont(font)
        p.setPen(SUBTLE)
        fm = QFontMetricsF(font)
        p.drawText(
            box,
            int(Qt.AlignmentFlag.AlignCenter),
            fm.elidedText(text, Qt.TextElideMode.ElideRight, box.width()),
        )


def nice_range(values: Sequence[float]) -> tuple[float, float, float]:
    """An axis from below the least to above the greatest value in 3 to 6 round steps
    (1, 2 or 5 times a power of ten): (low, high, step); never below 0 for values that
    are not."""
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if lo == hi:
        lo, hi = (lo - 1, hi + 1) if lo else (0.0, 1.0)
    rough = (hi - lo) / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    low = math.floor(lo / step) * step
    high = math.ceil(hi / step) * step
    if math.isclose(low, lo):  # room under the least value's mark
        low -= step
    if lo >= 0:
        low = max(low, 0.0)
    if math.isclose(high, hi):
        high += step
    return round(low, 10), round(high, 10), step


VERDICT_MARKS = {
    Verdict.ACHIEVED: QColor("#2e8b2e"),
    Verdict.NOT_ACHIEVED: QColor("#d03030"),
    Verdict.MISSING: QColor("#ffffff"),
    Verdict.UNDECIDABLE: QColor("#c9a227"),
}
TARGET_INK = QColor("#2f5fb3")
BAND_FILL = QColor(47, 95, 179, 38)


class IndicatorChart:
    """One indicator over the years: baseline, targets by kind, actuals with verdict marks."""

    def __init__(
        self, view: IndicatorView, years: Sequence[int], family: str, *, size: float = 13.0
    ) -> None:
        self.view, self.family, self.size = view, family, size
        xs = set(years)
        if view.baseline.value is not None and view.baseline.year is not None:
            xs.add(view.baseline.year)
        for t in view.targets:
            xs.update(y for y, _ in t.points)
        lo, hi = min(xs), max(xs)
        self.years = list(range(lo, hi + 1)) if hi - lo <= 15 else sorted(xs)

    def _values(self) -> list[float]:
        v = self.view
        out = list(v.actuals.values()) + list(v.figures.values())
        if v.baseline.value is not None:
            out.append(v.baseline.value)
        for t in v.targets:
            out += [val for _, val in t.points]
        return out

    def paint(self, p: QPainter, rect: QRectF) -> None:
        v, s = self.view, self.size
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        title = _font(self.family, s * 1.1, bold=True)
        p.setFont(title)
        p.setPen(INK)
        tfm = QFontMetricsF(title)
        head = f"{v.label}（{v.unit}）" if v.unit else v.label
        p.drawText(
            QPointF(rect.left(), rect.top() + tfm.ascent()),
            tfm.elidedText(head, Qt.TextElideMode.ElideRight, rect.width()),
        )
        y = rect.top() + tfm.height() + s * 0.3
        x = draw_legend(
            p,
            rect.left(),
            y,
            (("achieved", "達成"), ("not_achieved", "未達成"), ("undecidable", "判定不可")),
            self.family,
            s * 0.9,
        )
        small = _font(self.family, s * 0.9)
        p.setFont(small)
        fm = QFontMetricsF(small)
        p.setPen(QPen(INK, 2))
        p.drawLine(QPointF(x, y + fm.height() / 2), QPointF(x + s * 1.6, y + fm.height() / 2))
        p.drawText(QPointF(x + s * 1.9, y + fm.ascent()), "実績値")
        x += s * 1.9 + fm.horizontalAdvance("実績値") + s
        p.setPen(QPen(TARGET_INK, 2, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(x, y + fm.height() / 2), QPointF(x + s * 1.6, y + fm.height() / 2))
        p.setPen(INK)
        p.drawText(QPointF(x + s * 1.9, y + fm.ascent()), "目標")
        y += fm.height() + s * 0.5
        notes = [t.text for t in v.targets]
        notes_h = (fm.height() + 2) * min(len(notes), 4)
        plot = QRectF(rect.left() + s * 4.5, y + s * 0.5, rect.width() - s * 5.5, 0)
        plot.setBottom(rect.bottom() - notes_h - fm.height() * 2 - 8)
        if plot.height() < s * 3:
            p.restore()
            return
        lo, hi, tick = nice_range(self._values())

        def px(fy: float) -> float:
            n = len(self.years)
            i = self.years.index(int(fy)) if int(fy) in self.years else 0
            return plot.left() + plot.width() * (i + 0.5) / n

        def py(val: float) -> float:
            return plot.bottom() - plot.height() * (val - lo) / (hi - lo)

        # axes and grid
        p.setPen(QPen(RULE, 1))
        for k in range(round((hi - lo) / tick) + 1):
            val = lo + tick * k
            yy = py(val)
            p.drawLine(QPointF(plot.left(), yy), QPointF(plot.right(), yy))
            p.setPen(SUBTLE)
            p.drawText(
                QRectF(rect.left(), yy - fm.height() / 2, s * 4.2, fm.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                number_text(val),
            )
            p.setPen(QPen(RULE, 1))
        for fy in self.years:
            p.setPen(SUBTLE)
            p.drawText(
                QRectF(px(fy) - s * 3, plot.bottom() + 2, s * 6, fm.height()),
                Qt.AlignmentFlag.AlignCenter,
                short_label(fy),
            )
        step = plot.width() / len(self.years)
        # targets
        for t in v.targets:
            if t.kind == "band" and t.points:
                left, right = px(t.points[0][0]) - step / 2, px(t.points[-1][0]) + step / 2
                path = QPainterPath()
                edge = t.points
                first_y = py(edge[0][1])
                path.moveTo(left, first_y)
                for fy, val in edge:
                    path.lineTo(px(fy), py(val))
                path.lineTo(right, py(edge[-1][1]))
                far = plot.top() if t.side == "above" else plot.bottom()
                path.lineTo(right, far)
                path.lineTo(left, far)
                path.closeSubpath()
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(BAND_FILL)
                p.drawPath(path)
                p.setPen(QPen(TARGET_INK, 1.5, Qt.PenStyle.DashLine))
                p.setBrush(Qt.BrushStyle.NoBrush)
                line = QPainterPath()
                line.moveTo(left, first_y)
                for fy, val in edge:
                    line.lineTo(px(fy), py(val))
                line.lineTo(right, py(edge[-1][1]))
                p.drawPath(line)
            elif t.kind == "line" and t.points:
                p.setPen(QPen(TARGET_INK, 2, Qt.PenStyle.DashLine))
                pts = [QPointF(px(fy), py(val)) for fy, val in t.points]
                for a, b in zip(pts, pts[1:], strict=False):
                    p.drawLine(a, b)
                p.setBrush(QBrush(QColor("#ffffff")))
                p.setPen(QPen(TARGET_INK, 2))
                for q in pts:
                    p.drawRect(QRectF(q.x() - 4, q.y() - 4, 8, 8))
            elif t.kind == "point" and t.points:
                fy, val = t.points[0]
                q = QPointF(px(fy), py(val))
                star = QPainterPath()
                star.moveTo(q.x(), q.y() - 7)
                star.lineTo(q.x() + 7, q.y())
                star.lineTo(q.x(), q.y() + 7)
                star.lineTo(q.x() - 7, q.y())
                star.closeSubpath()
                p.setPen(QPen(TARGET_INK, 2))
                p.setBrush(QBrush(TARGET_INK))
                p.drawPath(star)
                p.setPen(TARGET_INK)
                label = f"目標 {number_text(val)}"
                lx = q.x() + 9
                if lx + fm.horizontalAdvance(label) > rect.right():  # the last year: left of it
                    lx = q.x() - 9 - fm.horizontalAdvance(label)
                p.drawText(QPointF(lx, q.y() - 4), label)
        # baseline
        b = v.baseline
        if b.value is not None:
            bx = px(b.year) if b.year is not None and b.year in self.years else plot.left() + 6
            q = QPointF(bx, py(b.value))
            p.setPen(QPen(SUBTLE, 2))
            p.setBrush(QBrush(QColor("#bbbbbb")))
            p.drawEllipse(q, 5, 5)
            p.setPen(SUBTLE)
            p.drawText(QPointF(q.x() + 8, q.y() + fm.ascent() + 2), "基準値")
        # actuals, each mark coloured by the year's verdict
        pts = [
            (fy, QPointF(px(fy), py(val)))
            for fy, val in sorted(v.actuals.items())
            if fy in self.years
        ]
        p.setPen(QPen(INK, 2))
        for (_, a), (_, c) in zip(pts, pts[1:], strict=False):
            p.drawLine(a, c)
        for fy, q in pts:
            j = v.verdicts.get(fy)
            color = VERDICT_MARKS.get(j.verdict, QColor("#ffffff")) if j else QColor("#ffffff")
            p.setPen(QPen(INK, 1.5))
            p.setBrush(QBrush(color))
            p.drawEllipse(q, 6, 6)
            p.setPen(INK)
            p.drawText(QPointF(q.x() + 8, q.y() - 6), number_text(v.actuals[fy]))
        # the verdict per plan year under the axis
        p.setFont(small)
        vy = plot.bottom() + fm.height() + 2
        for fy, j in v.verdicts.items():
            if fy in self.years:
                p.setPen(
                    VERDICT_MARKS.get(j.verdict, SUBTLE)
                    if j.verdict is not Verdict.MISSING
                    else SUBTLE
                )
                p.drawText(
                    QRectF(px(fy) - step / 2, vy, step, fm.height()),
                    Qt.AlignmentFlag.AlignCenter,
                    j.label,
                )
        ny = vy + fm.height() + 2
        p.setPen(INK)
        for text in notes[:4]:
            p.drawText(
                QPointF(rect.left(), ny + fm.ascent()),
                fm.elidedText(f"目標: {text}", Qt.TextElideMode.ElideRight, rect.width()),
            )
            ny += fm.height() + 2
        p.restore()
