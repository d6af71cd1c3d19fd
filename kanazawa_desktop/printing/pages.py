"""A laid-out page: its orientation, how to draw it, the bookmarks that start on it; the footer.

Layout happens before drawing so every footer can say "N / M". Sizes are in points: A4 is
595.28 x 841.89 pt; margins are the same on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from .canvas import Canvas

A4_SHORT = 595.28
A4_LONG = 841.89
MARGIN_X = 34.0
MARGIN_TOP = 32.0
MARGIN_BOTTOM = 40.0  # the footer lives here
FOOTER_SIZE = 6.5
FOOTER_COLOR = QColor("#444444")


@dataclass
class Page:
    landscape: bool
    draw: Callable[[Canvas], None]
    kind: str  # "sheet" | "list" | "continuation"
    bookmarks: list[tuple[int, str]] = field(default_factory=list)  # (level, title)
    label: str = ""  # progress text
    # laid out with the front (so its number is known), printed after the sheets: 用語解説
    after_sheets: bool = False

    @property
    def width(self) -> float:
        return A4_LONG if self.landscape else A4_SHORT

    @property
    def height(self) -> float:
        return A4_SHORT if self.landscape else A4_LONG


def content_box(landscape: bool) -> tuple[float, float, float, float]:
    """(left, top, width, height) of the printable area above the footer."""
    w, h = (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    return MARGIN_X, MARGIN_TOP, w - 2 * MARGIN_X, h - MARGIN_TOP - MARGIN_BOTTOM


def draw_footer(canvas: Canvas, page: Page, number: int, total: int, left: str, right: str) -> None:
    """Document name on the left, "N / M" centred, print date and data version on the right."""
    x, _, w, _ = content_box(page.landscape)
    y = page.height - MARGIN_BOTTOM + 16
    mid = x + w / 2
    canvas.text(left, x, y, FOOTER_SIZE, w / 2 - 50, color=FOOTER_COLOR)
    canvas.text(
        f"{number} / {total}",
        mid - 40,
        y,
        FOOTER_SIZE + 1,
        80,
        align=Qt.AlignmentFlag.AlignHCenter,
        color=FOOTER_COLOR,
    )
    canvas.text(
        right,
        mid + 45,
        y,
        FOOTER_SIZE,
        w / 2 - 45,
        align=Qt.AlignmentFlag.AlignRight,
        color=FOOTER_COLOR,
    )
