"""printing.charts: the 見える化 charts paint on any QPainter (an image, a PDF page), and a
segment is found again where it was painted."""

from __future__ import annotations

import unicodedata

import pytest
from printing_helpers import page_texts
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter

from kanazawa_desktop.domain.dashboard import Bar, IndicatorView, Segment
from kanazawa_desktop.domain.indicator import Baseline, Better, Bound, Indicator, Limit, YearValue
from kanazawa_desktop.domain.judgement import judge
from kanazawa_desktop.printing.charts import (
    COLORS,
    STATUS_LEGEND,
    BarGrid,
    GridRow,
    Hit,
    IndicatorChart,
    nice_range,
)
from kanazawa_desktop.printing.fonts import ensure_font

YEARS = (2023, 2024, 2025, 2026)


def _bar(fy: int, done: int, missed: int, open_: int) -> Bar:
    ids = iter(range(1000))
    return Bar(
        "全体",
        fy,
        (
            Segment("achieved", "達成", tuple(next(ids) for _ in range(done))),
            Segment("not_achieved", "未達成", tuple(next(ids) for _ in range(missed))),
            Segment("", "未確定", tuple(next(ids) for _ in range(open_))),
        ),
    )


def _grid() -> BarGrid:
    rows = [
        GridRow("全体", "", [_bar(fy, 3, 1, 86) for fy in YEARS], strong=True),
        GridRow("方針1", "行政組織の質を高める", [_bar(fy, 0, 0, 26) for fy in YEARS]),
    ]
    return BarGrid(["R5", "R6", "R7", "R8"], rows, STATUS_LEGEND, ensure_font(), show_rate=True)


def _indicator() -> IndicatorView:
    ind = Indicator(
        key="No.86-1",
        name="実質公債費比率",
        unit="%",
        better=Better.LESS,
        baseline=Baseline(8.0, 2022),
        targets=(Limit(Bound.UNDER, 10, 2023, 2026), YearValue(2026, 6.5)),
    )
    actuals = {2023: 7.5, 2024: 11.0}
    return IndicatorView(
        indicator=ind,
        owner="No.86",
        measure_id=1,
        group="方針3",
        years=YEARS,
        actuals=actuals,
        figures={},
        verdicts={fy: judge(ind, fy, actuals) for fy in YEARS},
    )


def test_a_segment_is_found_where_it_was_painted(qapp):
    grid = _grid()
    width = 900
    img = QImage(width, int(grid.height_for(width)), QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    grid.paint(p, QRectF(0, 0, width, img.height()))
    p.end()
    missed = Hit(0, 2, 1)  # 全体, R7, 未達成: 1 of 90, still wide enough to click
    rect = grid.segment_rect(missed)
    assert rect is not None and rect.width() >= 6
    assert grid.segment_at(rect.center()) == missed
    colour = QColor(img.pixel(rect.center().toPoint()))
    assert colour == COLORS["not_achieved"]
    assert grid.segment_at(QPointF(2, 2)) is None  # the legend is no segment
    assert grid.segment_rect(Hit(1, 0, 0)) is None  # an empty segment is not painted
    row_y = grid.segment_rect(Hit(1, 0, 2)).center().y()
    assert grid.label_at(QPointF(10, row_y)) == "方針1 行政組織の質を高める"  # its tooltip


def test_charts_paint_on_a_pdf_page(tmp_path, qapp):
    out = tmp_path / "charts.pdf"
    writer = QPdfWriter(str(out))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(300)
    p = QPainter(writer)
    scale = 300 / 72  # points, as printing/canvas.py draws
    p.scale(scale, scale)
    grid = _grid()
    grid.paint(p, QRectF(40, 40, 515, grid.height_for(515)))
    IndicatorChart(_indicator(), YEARS, ensure_font()).paint(p, QRectF(40, 300, 515, 300))
    p.end()
    text = unicodedata.normalize("NFKC", page_texts(out)[0])  # the font maps 方 to ⽅
    for words in ("全体", "方針1", "R7", "達成率75%", "実質公債費比率", "基準値", "10%未満"):
        assert words in text, words


@pytest.mark.parametrize(
    ("values", "expected"),
    [([70, 80, 90, 100], (60, 110, 10)), ([7.5, 10], (7, 11, 1)), ([-3, 4], (-4, 6, 2))],
)
def test_round_axis_steps(values, expected):
    assert nice_range(values) == pytest.approx(expected)
