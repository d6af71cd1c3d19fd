"""Lay out a PrintJob into pages and paint them on a paged device (QPdfWriter or QPrinter).

`render(device, job, on_page)` returns the bookmarks as (level, title, page index): level
0 for the 一覧 and each 方針, level 1 for each measure. `on_page` is called before each page
(and `on_count` before each measure while pages are counted) and may raise there to stop;
the painter is always ended.

Pages are streamed: every footer says "N / M", so a first pass counts the pages (the 一覧's
pages are laid out and kept: they hold text, not layouts; a sheet counts as one page when
sheet.fits_one_page proves it, otherwise it is laid out), then a second pass reads the
measures again, lays out and draws each page and drops it. Memory holds one batch of
measures and one sheet at a time. Should a sheet come out with another page count than
counted (the proof is conservative, so only when the data changed in between), drawing
stops with Miscounted; `exact=True` lays every sheet out in the first pass. Each page goes
out in its own orientation (the 一覧 landscape, a 取組管理票 portrait) where the device can
change its page layout between pages: QPdfWriter, and a QPrinter whose paint engine is PDF
(print to file, CUPS printers). Qt refuses it once painting started for other engines (a
Windows printer, QPrintPreviewWidget's): there a mixed job is printed on portrait paper with
the landscape pages turned (the preview draws pages as images instead: preview.py). Pages
are scaled to fit paper other than A4.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QMarginsF, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPaintEngine,
    QPainter,
    QPdfWriter,
    QPen,
    QTransform,
)

from ..domain.errors import DeskError, Miscounted
from ..domain.fiscal import era_date
from .canvas import Canvas
from .fonts import ensure_font
from .goals import goal_pages
from .job import PrintJob
from .listing import list_pages
from .pages import A4_LONG, A4_SHORT, MARGIN_BOTTOM, MARGIN_TOP, Page, draw_footer
from .report import front_pages
from .sheet import fits_one_page, sheet_pages


def sheet_name(job: PrintJob) -> str:
    """The footer of a sheet: the plan's short name (without 金沢市) and 取組管理票 (施策管理票)."""
    name = job.plan.name.removeprefix("金沢市")
    return f"{name} {job.plan.sheet_title}" if name else job.plan.sheet_title


# Called before each page with (done, total, text); may raise to stop between pages.
OnPage = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Bookmark:
    level: int
    title: str
    page: int


def count_pages(
    canvas: Canvas, job: PrintJob, *, exact: bool = False, on_count: OnPage | None = None
) -> tuple[list[Page], list[int]]:
    """The pages before the sheets (a report's front, the 一覧), and the number of pages of
    each measure's sheet (first pass).

    `on_count(done, total, "")` is called before each measure and may raise to stop."""
    listing = (
        list_pages(canvas, job) + goal_pages(canvas, job.goals, job.plan.years)
        if job.listing
        else []
    )
    counts: list[int] = []
    starts: list[tuple[str, int]] = []  # (level-1 caption, sheet page offset) for the 目次
    last_policy = None
    if job.sheets:
        for i, m in enumerate(job.iter_measures()):
            if on_count is not None:
                on_count(i, len(job.measure_ids), "")
            policy = job.policy(m) if job.report is not None else None
            if policy is not None and policy != last_policy:
                starts.append((policy.caption, _sheet_page(job, sum(counts))))
                last_policy = policy
            if not exact and fits_one_page(canvas, job, m):
                counts.append(1)
            else:
                counts.append(len(sheet_pages(canvas, job, m)))
    if job.report is not None:
        listing = front_pages(canvas, job, sheets_total(job, counts), starts) + listing
    return listing, counts


def _sheet_page(job: PrintJob, offset: int) -> int:
    """The printed page (from 0, within the sheets) that sheet page `offset` lands on."""
    return offset // 2 if job.two_up else offset


def sheets_total(job: PrintJob, counts: list[int]) -> int:
    """Pages the sheets take: two sheet pages to a page in 2-up."""
    n = sum(counts)
    return (n + 1) // 2 if job.two_up else n


def page_total(job: PrintJob, listing: list[Page], counts: list[int]) -> int:
    return len(listing) + sheets_total(job, counts)


def stream_pages(
    canvas: Canvas, job: PrintJob, listing: list[Page], counts: list[int]
) -> Iterator[Page]:
    """The pages in order, each sheet laid out only when its turn comes (second pass); a
    report's pages marked after_sheets (用語解説) come last."""
    yield from (p for p in listing if not p.after_sheets)
    if job.sheets:
        sheets = _sheet_stream(canvas, job, counts)
        yield from two_up(sheets) if job.two_up else sheets
    yield from (p for p in listing if p.after_sheets)


def _sheet_stream(canvas: Canvas, job: PrintJob, counts: list[int]) -> Iterator[Page]:
    last_policy = None
    for i, m in enumerate(job.iter_measures()):
        sheet = sheet_pages(canvas, job, m)
        if i >= len(counts) or len(sheet) != counts[i]:
            raise Miscounted()
        policy = job.policy(m)
        if policy is not None and policy != last_policy:
            sheet[0].bookmarks.insert(0, (0, policy.caption))
            last_policy = policy
        yield from sheet


def two_up(pages: Iterator[Page]) -> Iterator[Page]:
    """Portrait pages two to an A4 landscape page, side by side, scaled to fit (as the seed
    prints its 取組管理票); each keeps its own bookmarks."""
    it = iter(pages)
    for left in it:
        right = next(it, None)
        pair = [p for p in (left, right) if p is not None]
        yield Page(
            True,
            lambda c, pair=pair: _draw_pair(c, pair),
            "sheet",
            [b for p in pair for b in p.bookmarks],
            label=left.label,
        )


def _draw_pair(canvas: Canvas, pair: list[Page]) -> None:
    half = A4_LONG / 2
    f = min(half / A4_SHORT, (A4_SHORT - MARGIN_BOTTOM / 2) / A4_LONG)
    painter = canvas.painter
    for i, page in enumerate(pair):
        painter.save()
        painter.translate(i * half + (half - A4_SHORT * f) / 2, 0)
        painter.scale(f, f)
        page.draw(canvas)
        painter.restore()
    painter.save()
    painter.setPen(QPen(QColor("#bbbbbb"), 0.5, Qt.PenStyle.DashLine))
    painter.drawLine(QPointF(half, MARGIN_TOP / 2), QPointF(half, A4_SHORT - MARGIN_BOTTOM))
    painter.restore()


def page_layout(landscape: bool) -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait,
        QMarginsF(0, 0, 0, 0),
    )


PagedDevice = QPagedPaintDevice  # what render() paints on, named for the layers above


def render(
    device: QPagedPaintDevice,
    job: PrintJob,
    on_page: OnPage | None = None,
    *,
    exact: bool = False,
    on_count: OnPage | None = None,
) -> list[Bookmark]:
    family = ensure_font()
    canvas = Canvas(device, family)
    # Drawing allocates millions of short-lived wrappers and no cycles worth chasing: the
    # cyclic collector's default thresholds cost a twentieth of the time; collect rarely.
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 50_000), *thresholds[1:])
    try:
        return _render(device, job, canvas, on_page, exact, on_count)
    finally:
        gc.set_threshold(*thresholds)


def _render(
    device: QPagedPaintDevice,
    job: PrintJob,
    canvas: Canvas,
    on_page: OnPage | None,
    exact: bool,
    on_count: OnPage | None,
) -> list[Bookmark]:
    listing, counts = count_pages(canvas, job, exact=exact, on_count=on_count)
    total = page_total(job, listing, counts)
    if not total:
        raise DeskError("印刷する取組がありません")
    switchable = can_switch_layout(device)
    shapes = {p.landscape for p in listing} | ({job.two_up} if counts else set())
    first = listing[0].landscape if listing else job.two_up
    # a device that cannot turn between pages prints a mixed job on portrait paper
    device.setPageLayout(page_layout(first if switchable or len(shapes) == 1 else False))
    painter = QPainter()
    if not painter.begin(device):
        raise DeskError("印刷を開始できませんでした（出力先を確認してください）")
    canvas.painter = painter
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    right = footer_right(job)
    marks: list[Bookmark] = []
    last_landscape = None
    drawn = 0
    try:
        for i, page in enumerate(stream_pages(canvas, job, listing, counts)):
            if on_page is not None:
                on_page(i, total, page.label)
            if i:
                if switchable and last_landscape != page.landscape:
                    device.setPageLayout(page_layout(page.landscape))
                if not device.newPage():
                    raise DeskError("次のページを開始できませんでした")
            last_landscape = page.landscape
            painter.save()
            painter.setTransform(_transform(canvas.k, page, device))
            paint_page(canvas, job, page, i + 1, total, right)
            painter.restore()
            marks += [Bookmark(level, title, i) for level, title in page.bookmarks]
            drawn = i + 1
        if drawn != total:  # a measure removed between the passes
            raise Miscounted()
        if on_page is not None:
            on_page(total, total, "")
    finally:
        painter.end()
    return marks


def can_switch_layout(device: QPagedPaintDevice) -> bool:
    """Whether `device` takes a new page layout between pages once painting started: Qt allows
    it for PDF paint engines only (QPdfWriter; a QPrinter printing to a file or through CUPS)."""
    if isinstance(device, QPdfWriter):
        return True
    engine = device.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Pdf


def footer_right(job: PrintJob) -> str:
    right = f"印刷日 {era_date(job.printed_on.isoformat())}"
    return right + f"　データ版 {job.version}" if job.version else right


def paint_page(
    canvas: Canvas, job: PrintJob, page: Page, number: int, total: int, right: str
) -> None:
    """One page and its footer, in points from the page's top-left corner."""
    page.draw(canvas)
    if page.kind == "list":
        left = job.plan.list_title
    elif page.kind == "report" and job.report is not None:
        left = job.report.title
    else:
        left = sheet_name(job)
    draw_footer(canvas, page, number, total, left, right)


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
