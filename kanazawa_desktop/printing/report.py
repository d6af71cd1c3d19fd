"""The front of a briefing book (報告書): cover, 目次, summary and the indicators' table.

`front_pages(canvas, job, sheet_pages, policy_starts)` lays the front out once the sheets
are counted: `sheet_pages` is how many pages the 取組管理票 take (after 2-up), and
`policy_starts` the (caption, page offset within the sheets) where each level-1 node's
sheets begin, so the 目次 can name the page every part starts on. How many pages the 目次
takes depends only on how many lines it has, never on their numbers: it is split first,
then numbered, so every number is known before anything is drawn. A plan with a glossary
gets 用語解説 pages, laid out here and printed after the sheets (Page.after_sheets).

Pages are portrait A4; a table that does not fit goes on with its header repeated. The
chart is printing/charts.BarGrid, the window's drawing, in points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPen

from ..domain.dashboard import STATUS_ORDER, VERDICT_ORDER, Group
from ..domain.fiscal import long_label, short_label
from ..domain.glossary import Glossary
from .canvas import ACHIEVED_FILL, LABEL_FILL, NOT_ACHIEVED_FILL, PAD_Y, Canvas
from .charts import STATUS_LEGEND, BarGrid, GridRow
from .job import PrintJob, Report
from .pages import Page, content_box

KIND = "report"
HEADING = 13.0
SUBHEADING = 10.0
CELL = 8.0
GAP = 10.0
LEADER = QColor("#888888")
FILLS = {"達成": ACHIEVED_FILL, "未達成": NOT_ACHIEVED_FILL}

# an item of a page's flow: its height and how to draw it at (x, y)
Draw = Callable[[Canvas, float, float], None]


@dataclass
class _Item:
    height: float
    draw: Draw
    header: _Item | None = None  # a table row's header, repeated on a new page


def _paginate(items: Sequence[_Item], bookmark: str, label: str) -> list[Page]:
    """Items top to bottom on portrait pages; a row that starts a page gets its header."""
    x, top, _, height = content_box(False)
    bottom = top + height
    pages: list[list[tuple[float, Draw]]] = [[]]
    y = top
    for item in items:
        if y + item.height > bottom and pages[-1]:
            pages.append([])
            y = top
            if item.header is not None:
                pages[-1].append((y, item.header.draw))
                y += item.header.height
        pages[-1].append((y, item.draw))
        y += item.height

    def painter(placed: list[tuple[float, Draw]]) -> Callable[[Canvas], None]:
        return lambda c: [draw(c, x, at) for at, draw in placed] and None

    return [
        Page(False, painter(p), KIND, [(0, bookmark)] if i == 0 else [], label=label)
        for i, p in enumerate(pages)
    ]


def _text(canvas: Canvas, text: str, size: float, *, bold: bool = False, gap: float = 0) -> _Item:
    _, _, width, _ = content_box(False)
    block = canvas.block(text, size, width, bold=bold)
    return _Item(block.height + gap, lambda c, x, y: c.draw_block(block, x, y))


def _table(
    canvas: Canvas,
    widths: Sequence[float],
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    fill_column: int | None = None,
    center_from: int = 1,
) -> list[_Item]:
    """A header row and one item per row; cells wrap, a row is as tall as its tallest cell;
    columns from `center_from` on are centred (counts, rates, 判定)."""
    left, center = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignHCenter

    def row(cells: Sequence[str], header: bool) -> _Item:
        blocks = [
            canvas.block(t, CELL, w - 6, bold=header, align=center if i >= center_from else left)
            for i, (t, w) in enumerate(zip(cells, widths, strict=True))
        ]
        h = max(b.height for b in blocks) + 2 * PAD_Y + 1

        def draw(c: Canvas, x: float, y: float) -> None:
            for i, (b, w) in enumerate(zip(blocks, widths, strict=True)):
                fill = LABEL_FILL if header else None
                if not header and i == fill_column:
                    fill = FILLS.get(cells[i])
                c.cell(QRectF(x, y, w, h), b, fill=fill, valign_center=True)
                x += w

        return _Item(h, draw)

    header = row(head, True)
    items = [header]
    for cells in rows:
        item = row(cells, False)
        item.header = header
        items.append(item)
    return items


def cover_page(report: Report, plan_name: str) -> Page:
    def draw(c: Canvas) -> None:
        x, top, w, _ = content_box(False)
        center = Qt.AlignmentFlag.AlignHCenter
        y = top + 200
        y += c.text(plan_name, x, y, 22, w, bold=True, align=center) + 24
        y += c.text("進捗報告書", x, y, 30, w, bold=True, align=center) + 30
        c.text(long_label(report.year), x, y, 18, w, align=center)
        y = top + 560
        y += c.text(report.dated, x, y, 13, w, align=center) + 16
        c.text(report.office, x, y, 14, w, bold=True, align=center)

    return Page(False, draw, KIND, [(0, "表紙")], label="表紙")


TocEntry = tuple[int, str, int]  # (indent level, title, page number)
TOC_TOP, TOC_HEAD = 40.0, 56.0  # the heading's place and the room it takes


def _toc_line_height(level: int) -> float:
    return (12.0 if level == 0 else 10.5) * 1.9


def toc_split(entries: Sequence[TocEntry]) -> list[list[TocEntry]]:
    """The 目次's lines page by page: as many as fit under the heading (a continued page has
    the heading too). Depends on the lines' levels only, not on their numbers."""
    _, top, _, height = content_box(False)
    room = height - TOC_TOP - TOC_HEAD
    pages: list[list[TocEntry]] = [[]]
    used = 0.0
    for e in entries:
        h = _toc_line_height(e[0])
        if used + h > room and pages[-1]:
            pages.append([])
            used = 0.0
        pages[-1].append(e)
        used += h
    return pages


def toc_pages(entries: Sequence[TocEntry]) -> list[Page]:
    """目次: (indent level, title, page number) per line, with dotted leaders, on as many
    pages as its lines need."""

    def painter(lines: list[TocEntry], first: bool) -> Callable[[Canvas], None]:
        def draw(c: Canvas) -> None:
            x, top, w, _ = content_box(False)
            y = top + TOC_TOP
            head = "目次" if first else "目次（続き）"
            c.text(head, x, y, 20, w, bold=True, align=Qt.AlignmentFlag.AlignHCenter)
            y += TOC_HEAD
            for level, title, number in lines:
                size = 12.0 if level == 0 else 10.5
                indent = 18.0 * level + 30
                right = x + w - 30
                title_w = c.text_width(title, size, bold=level == 0)
                c.text(title, x + indent, y, size, right - x - indent - 40, bold=level == 0)
                dots_x = x + indent + min(title_w, right - x - indent - 40) + 6
                c.painter.setPen(QPen(LEADER, 0.8, Qt.PenStyle.DotLine))
                c.painter.drawLine(
                    QPointF(dots_x, y + size * 0.9), QPointF(right - 34, y + size * 0.9)
                )
                c.text(str(number), right - 30, y, size, 30, align=Qt.AlignmentFlag.AlignRight)
                y += _toc_line_height(level)

        return draw

    return [
        Page(False, painter(lines, i == 0), KIND, [(0, "目次")] if i == 0 else [], label="目次")
        for i, lines in enumerate(toc_split(entries))
    ]


def glossary_pages(canvas: Canvas, glossary: Glossary, part: int) -> list[Page]:
    """用語解説: each entry 「※6 ネウボラ」 in bold, its text wrapped below (kept together)."""
    if not glossary:
        return []
    _, _, width, _ = content_box(False)
    items = [_text(canvas, f"{part}　用語解説", HEADING, bold=True, gap=GAP)]
    for e in glossary:
        head = canvas.block(e.heading, SUBHEADING, width, bold=True)
        body = canvas.block(e.text, 9.0, width - 14)

        def draw(c: Canvas, x: float, y: float, head=head, body=body) -> None:
            c.draw_block(head, x, y)
            c.draw_block(body, x + 14, y + head.height + 2)

        items.append(_Item(head.height + 2 + body.height + GAP, draw))
    pages = _paginate(items, "用語解説", "用語解説")
    for p in pages:
        p.after_sheets = True
    return pages


def _counts_rows(groups: Sequence[Group], year: int, keys: Sequence[str]) -> list[list[str]]:
    rows = []
    for g in groups:
        bar = g.bars.get(year)
        counts = [bar.count(k) if bar is not None else 0 for k in keys]
        rate = bar.rate if bar is not None else None
        name = f"{g.label}　{g.title}" if g.title else g.label
        rows.append(
            [name, *map(str, counts), str(sum(counts))]
            + [f"{rate * 100:.1f}%" if rate is not None else "－"]
        )
    return rows


def summary_pages(canvas: Canvas, job: PrintJob, report: Report) -> list[Page]:
    """The achievement chart by level-1 node and year, and the year's counts and rates."""
    _, _, width, _ = content_box(False)
    years = job.plan.years
    fy = long_label(report.year)
    grid = BarGrid(
        [short_label(y) for y in years],
        [
            GridRow(g.label, g.title, [g.bars.get(y) for y in years], strong=i == 0)
            for i, g in enumerate(report.status)
        ],
        STATUS_LEGEND,
        canvas.family,
        size=8.0,
        highlight=years.index(report.year) if report.year in years else None,
        show_rate=True,
        label_share=0.3,
    )
    chart_h = grid.height_for(width)
    items = [
        _text(canvas, f"1　達成状況の概要（{fy}）", HEADING, bold=True, gap=GAP),
        _text(
            canvas,
            f"{job.plan.item}の計画達成状況（{report.level}別・年度別）",
            SUBHEADING,
            bold=True,
            gap=6,
        ),
        _Item(chart_h + GAP, lambda c, x, y: grid.paint(c.painter, QRectF(x, y, width, chart_h))),
        _text(canvas, f"{fy}の{job.plan.item}の計画達成状況", SUBHEADING, bold=True, gap=4),
    ]
    share = (width - 150) / 5
    items += _table(
        canvas,
        [150] + [share] * 5,
        ["区分", *(s.label for s in STATUS_ORDER), "計", "達成率"],
        _counts_rows(report.status, report.year, [s.value for s in STATUS_ORDER]),
    )
    items.append(_Item(GAP * 1.5, lambda c, x, y: None))
    items.append(_text(canvas, f"{fy}の指標の判定", SUBHEADING, bold=True, gap=4))
    share = (width - 150) / 6
    items += _table(
        canvas,
        [150] + [share] * 6,
        ["区分", *(v.label for v in VERDICT_ORDER), "計", "達成率"],
        _counts_rows(report.verdicts, report.year, [v.value for v in VERDICT_ORDER]),
    )
    note = "達成率は 達成 ÷（達成＋未達成）。【再掲】と廃止した取組は数えていません。"
    items.append(_Item(6, lambda c, x, y: None))
    items.append(_text(canvas, note, CELL))
    return _paginate(items, "達成状況の概要", "達成状況の概要")


def indicator_pages(canvas: Canvas, report: Report) -> list[Page]:
    """Every indicator with its target, actual and 判定 for the year (a paginated table)."""
    if not report.indicators:
        return []
    _, _, width, _ = content_box(False)
    widths = [62.0, width - 62 - 110 - 85 - 52, 110.0, 85.0, 52.0]
    items = [
        _text(
            canvas, f"2　指標の判定一覧（{long_label(report.year)}）", HEADING, bold=True, gap=GAP
        )
    ]
    items += _table(
        canvas,
        widths,
        ["取組等", "指標", "目標", "実績", "判定"],
        [[i.owner, i.name, i.target, i.actual, i.verdict] for i in report.indicators],
        fill_column=4,
        center_from=4,
    )
    return _paginate(items, "指標の判定一覧", "指標の判定一覧")


def front_pages(
    canvas: Canvas, job: PrintJob, sheet_pages: int, policy_starts: Sequence[tuple[str, int]]
) -> list[Page]:
    """Cover, 目次, summary and indicator pages, the 目次 pointing at every part's page, and
    the 用語解説 pages (after_sheets) when the plan has a glossary."""
    report = job.report
    assert report is not None
    summary = summary_pages(canvas, job, report)
    indicators = indicator_pages(canvas, report)
    parts = 1 + bool(indicators) + bool(sheet_pages)
    glossary = glossary_pages(canvas, job.plan.glossary, parts + 1)

    def entries(first: int) -> list[TocEntry]:
        """The 目次's lines when the summary starts on page `first`."""
        out = [(0, "1　達成状況の概要", first)]
        part = 2
        if indicators:
            out.append((0, "2　指標の判定一覧", first + len(summary)))
            part = 3
        sheets_at = first + len(summary) + len(indicators)
        if sheet_pages:
            out.append((0, f"{part}　{job.plan.sheet_title}", sheets_at))
            out += [(1, caption, sheets_at + offset) for caption, offset in policy_starts]
            part += 1
        if glossary:
            out.append((0, f"{part}　用語解説", sheets_at + sheet_pages))
        return out

    # the cover is page 1, the 目次 from page 2 on as many pages as its lines need
    first = 2 + len(toc_split(entries(0)))
    toc = toc_pages(entries(first))
    return [cover_page(report, job.plan.name), *toc, *summary, *indicators, *glossary]
