"""Lay out a PrintJob into pages and paint them on a paged device (QPdfWriter or QPrinter).

`render(device, job, on_page)` returns the bookmarks as (level, title, page index): level
0 for the 一覧 and each 方針, level 1 for each measure. `on_page` is called before each page
and may raise there to stop; the painter is always ended. A QPrinter cannot change
orientation mid-document: a mixed job is printed on portrait paper with the landscape
pages turned; pages are scaled to fit paper other than A4.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import (
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTransform,
)

from ..domain.errors import DeskError
from .canvas import Canvas
from .fonts import ensure_font
from .job import PrintJob
from .listing import list_pages
from .pages import Page, draw_footer
from .sheet import sheet_pages

SHEET_NAME = "行政経営プラン 取組管理票"

# Called before each page with (done, total, text); may raise to stop between pages.
OnPage = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Bookmark:
    level: int
    title: str
    page: int


def layout(canvas: Canvas, job: PrintJob) -> list[Page]:
    pages: list[Page] = []
    if job.listing:
        pages += list_pages(canvas, job)
    if job.sheets:
        last_policy = None
        for m in job.measures:
            sheet = sheet_pages(canvas, job, m)
            policy = job.policy(m)
            if policy is not None and policy != last_policy:
                sheet[0].bookmarks.insert(0, (0, policy.caption))
                last_policy = policy
            pages += sheet
    return pages


def page_layout(landscape: bool) -> QPageLayout:
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                       QPageLayout.Orientation.Landscape if landscape
                       else QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))


def render(device: QPagedPaintDevice, job: PrintJob,
           on_page: OnPage | None = None) -> list[Bookmark]:
    family = ensure_font()
    canvas = Canvas(device, family)
    pages = layout(canvas, job)
    if not pages:
        raise DeskError("印刷する取組がありません")
    # QPdfWriter changes orientation between pages; a QPrinter cannot once printing started,
    # so a mixed job goes on portrait paper with the landscape pages turned.
    switchable = isinstance(device, QPdfWriter)
    mixed = len({p.landscape for p in pages}) > 1
    device.setPageLayout(page_layout(pages[0].landscape and (switchable or not mixed)))
    painter = QPainter()
    if not painter.begin(device):
        raise DeskError("印刷を開始できませんでした（出力先を確認してください）")
    canvas.painter = painter
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    right = f"印刷日 {job.printed_on.year}年{job.printed_on.month}月{job.printed_on.day}日"
    if job.version:
        right += f"　データ版 {job.version}"
    total = len(pages)
    marks: list[Bookmark] = []
    try:
        for i, page in enumerate(pages):
            if on_page is not None:
                on_page(i, total, page.label)
            if i:
                if switchable and pages[i - 1].landscape != page.landscape:
                    device.setPageLayout(page_layout(page.landscape))
                if not device.newPage():
                    raise DeskError("次のページを開始できませんでした")
            painter.save()
            painter.setTransform(_transform(canvas.k, page, device))
            page.draw(canvas)
            draw_footer(canvas, page, i + 1, total,
                        "取組事項一覧" if page.kind == "list" else SHEET_NAME, right)
            painter.restore()
            marks += [Bookmark(level, title, i) for level, title in page.bookmarks]
        if on_page is not None:
            on_page(total, total, "")
    finally:
        painter.end()
    return marks


def _transform(k: float, page: Page, device: QPagedPaintDevice) -> QTransform:
    """Points to device units, fitted to the paper; rotated when the paper lies the other way.

    A landscape page on portrait paper is turned counter-clockwise (its top at the paper's
    left edge), as printers print landscape pages.
    """
    rect = device.pageLayout().fullRectPoints()
    dw, dh = float(rect.width()), float(rect.height())
    rotate = page.landscape != (dw > dh)
    pw, ph = (page.height, page.width) if rotate else (page.width, page.height)
    f = min(dw / pw, dh / ph)
    t = QTransform.fromScale(k * f, k * f)
    if rotate and page.landscape:
        return t.translate(0, page.width).rotate(-90)
    if rotate:
        return t.translate(page.height, 0).rotate(90)
    return t
