"""One 取組管理票 per measure on A4 portrait, laid out like the seed's sheets.

Above the table: the 方針 / 項目 / 小項目 path. The table: No. and name (+【数値目標】) with
担当課; 概要; めざす姿; 関連計画 with 確保する行政資源 (ヒト/カネ/モノ/情報, ○ when secured) — the rows
the plan has (Plan.rows), under its words;
the 令和 years as columns with rows 実施計画, 実施結果, 計画達成状況 and, for numeric
measures, 数値目標, 目標値 and 実績値. The 実施結果 row takes the page's spare height.

Fitting: every cell starts at its base size. When the table is taller than the page, rows
drop to their floor height, then the tallest cell's font shrinks step by step (0.5 pt, down
to 7 pt). A text that still cannot fit is printed in full on continuation pages (別紙)
after the sheet, its cell says so, and the other cells get their size back: text is
never cut off.

Notes: when the sheet's texts carry a glossary mark (「金沢版ネウボラ※6」), the note is printed
below the table in small type, as the seed prints it — only out of the spare height the
fitting left over, so it never changes what fits or moves to 別紙; a sheet without that room
prints none (the report's 用語解説 has every note).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor

from ..domain import judgement
from ..domain.achievement import format_grouped
from ..domain.details import sections
from ..domain.fiscal import long_label
from ..domain.glossary import notes_for
from ..domain.indicator import Indicator
from ..domain.judgement import Verdict
from ..domain.model import RESOURCE_LABELS, RESOURCES, Measure, Plan, YearRecord
from ..domain.status import Status
from .canvas import (
    ACHIEVED_FILL,
    LABEL_FILL,
    NOT_ACHIEVED_FILL,
    PAD_X,
    PAD_Y,
    SUBTLE_FILL,
    Canvas,
    TextBlock,
)
from .continuation import continuation_pages
from .job import PrintJob
from .pages import Page, content_box

LABEL_W = 64.0
DEPT_LABEL_W = 44.0
DEPT_W = 150.0
RES_LABEL_W = 58.0
RES_W = 22.0
TEXT_SIZE = 8.5
MIN_SIZE = 7.0  # smaller is unreadable on paper: longer texts go to 別紙 instead
STEP = 0.5
CONTINUED = "（文字数が多いため、全文を次ページの別紙に掲載）"
STATUS_FILLS = {Status.ACHIEVED: ACHIEVED_FILL, Status.NOT_ACHIEVED: NOT_ACHIEVED_FILL}


@dataclass
class _Cell:
    x: float
    w: float
    text: str
    size: float = TEXT_SIZE
    bold: bool = False
    center: bool = False
    fill: QColor | None = None
    shrink: bool = True
    caption: str = ""  # names the text on a continuation page
    block: TextBlock | None = None
    base: float = 0.0

    def __post_init__(self) -> None:
        self.base = self.size

    def lay(self, canvas: Canvas) -> None:
        align = Qt.AlignmentFlag.AlignHCenter if self.center else Qt.AlignmentFlag.AlignLeft
        self.block = canvas.block(
            self.text, self.size, self.w - 2 * PAD_X, bold=self.bold, align=align
        )

    @property
    def need(self) -> float:
        return (self.block.height if self.block else 0.0) + 2 * PAD_Y


@dataclass
class _Row:
    cells: list[_Cell]
    min_h: float
    floor_h: float
    stretch: bool = False
    h: float = 0.0
    indicator: bool = False  # one of the indicators' rows (moved to 別紙 together)

    def need(self, roomy: bool) -> float:
        return max(self.min_h if roomy else self.floor_h, *(c.need for c in self.cells))


@dataclass
class SheetLayout:
    header: list[TextBlock]
    rows: list[_Row]
    overflow: list[tuple[str, str]] = field(default_factory=list)  # (caption, full text)
    notes: TextBlock | None = None  # the glossary notes its texts point at, below the table


def title_of(measure: Measure, job: PrintJob) -> str:
    """'No.1　名前【数値目標】', '【再掲】名前（No.51）', with 【廃止】 when retired."""
    if measure.is_repeat:
        ref = job.repeat_labels.get(measure.repeat_of or -1, "")
        text = f"【再掲】{measure.display_name}" + (f"（{ref}）" if ref else "")
    else:
        text = f"{measure.number_label}　{measure.display_name}"
    return ("【廃止】" if measure.retired else "") + text


def _label(x: float, w: float, text: str, size: float = TEXT_SIZE) -> _Cell:
    return _Cell(x, w, text, size=size, center=True, fill=LABEL_FILL, shrink=False)


def _related_and_resources(measure: Measure, plan: Plan, body_w: float) -> list[_Cell]:
    """関連計画 and the 確保する行政資源 boxes on one row; either alone takes the whole width."""
    has_res = "resources" in plan.rows
    rel_w = body_w - (RES_LABEL_W + 2 * RES_W * len(RESOURCES) if has_res else 0)
    cells: list[_Cell] = []
    if "related_plans" in plan.rows:
        plans = list(measure.related_plans)
        related = (
            "\n".join(f"・{p}" for p in plans) if len(plans) > 1 else (plans[0] if plans else "—")
        )
        word = plan.label("related_plans")
        cells += [_label(0, LABEL_W, word), _Cell(LABEL_W, rel_w, related, caption=word)]
    else:
        rel_w = -LABEL_W  # the resources' caption starts at the left edge
    if not has_res:
        return cells
    word = plan.label("resources")
    caption = "確保する\n行政資源" if word == "確保する行政資源" else word
    cells.append(_label(LABEL_W + rel_w, RES_LABEL_W, caption, size=7.5))
    x = LABEL_W + rel_w + RES_LABEL_W
    for key in RESOURCES:
        cells.append(
            _Cell(
                x,
                RES_W,
                RESOURCE_LABELS[key],
                size=7.5,
                center=True,
                fill=SUBTLE_FILL,
                shrink=False,
            )
        )
        mark = "○" if key in measure.resources else ""
        cells.append(_Cell(x + RES_W, RES_W, mark, size=10.0, center=True, shrink=False))
        x += 2 * RES_W
    return cells


def _rows(measure: Measure, job: PrintJob, width: float) -> list[_Row]:
    years = job.plan.years
    col_w = (width - LABEL_W) / len(years)
    ycols = [LABEL_W + i * col_w for i in range(len(years))]
    body_w = width - LABEL_W
    title_w = width - DEPT_LABEL_W - DEPT_W
    rows = [
        _Row(
            [
                _Cell(
                    0, title_w, title_of(measure, job), size=11.0, bold=True, caption="取組事項名"
                ),
                _label(title_w, DEPT_LABEL_W, "担当課"),
                _Cell(
                    title_w + DEPT_LABEL_W,
                    DEPT_W,
                    measure.department_text,
                    size=9.0,
                    caption="担当課",
                ),
            ],
            26,
            20,
        ),
    ]
    # the plan's own rows under its own words (the デジタル戦略: 目指すべき姿 only)
    plan = job.plan
    for name, base in (("summary", 44), ("vision", 36)):
        if name in plan.rows:
            word = plan.label(name)
            text = measure.summary if name == "summary" else measure.vision
            rows.append(
                _Row(
                    [
                        _label(0, LABEL_W, word),
                        _Cell(LABEL_W, body_w, text, size=9.0, caption=word),
                    ],
                    base,
                    20,
                )
            )
    if "related_plans" in plan.rows or "resources" in plan.rows:
        rows.append(_Row(_related_and_resources(measure, plan, body_w), 34, 22))
    rows.append(
        _Row(
            [_Cell(0, LABEL_W, "", fill=LABEL_FILL, shrink=False)]
            + [
                _Cell(
                    ycols[i],
                    col_w,
                    long_label(fy),
                    size=9.0,
                    bold=True,
                    center=True,
                    fill=LABEL_FILL,
                    shrink=False,
                )
                for i, fy in enumerate(years)
            ],
            18,
            16,
        )
    )
    recs = [measure.year(fy) for fy in years]
    rows.append(
        _Row(
            [_label(0, LABEL_W, "実施計画")]
            + [
                _Cell(ycols[i], col_w, r.plan_text, caption=f"実施計画（{long_label(r.fy)}）")
                for i, r in enumerate(recs)
            ],
            80,
            20,
        )
    )
    rows.append(
        _Row(
            [_label(0, LABEL_W, "実施結果")]
            + [
                _Cell(ycols[i], col_w, r.result_text, caption=f"実施結果（{long_label(r.fy)}）")
                for i, r in enumerate(recs)
            ],
            150,
            24,
            stretch=True,
        )
    )
    rows.append(
        _Row(
            [_label(0, LABEL_W, "計画達成状況", size=8.0)]
            + [
                _Cell(
                    ycols[i],
                    col_w,
                    r.status.label if r.status != Status.PENDING else "",
                    size=10.0,
                    bold=True,
                    center=True,
                    fill=STATUS_FILLS.get(r.status),
                    shrink=False,
                )
                for i, r in enumerate(recs)
            ],
            24,
            18,
        )
    )
    for ind in measure.indicators:
        rows += _indicator_rows(measure, ind, recs, ycols, col_w, body_w)
    for title, lines in sections(measure.details):  # a later plan's 具体的な事業, 具体的な取組 …
        text = "\n".join(lines)
        rows.append(
            _Row(
                [_label(0, LABEL_W, title), _Cell(LABEL_W, body_w, text, size=8.5, caption=title)],
                12 * (text.count("\n") + 1) + 8,
                20,
            )
        )
    return rows


INDICATORS_MOVED = "（指標が多いため、各指標の目標・実績・判定を次ページの別紙に掲載）"


def _fixed_need(row: _Row) -> float:
    """A row's height once every long text has shrunk or moved (the indicators' cells and
    the labels keep their size)."""
    return max(row.floor_h, *(c.need for c in row.cells if not c.shrink or row.indicator))


def _move_indicators(
    canvas: Canvas, rows: list[_Row], measure: Measure, years: tuple[int, ...], width: float
) -> list[tuple[str, str]]:
    """Replace the indicator rows by one row pointing to 別紙; the texts for 別紙."""
    first = next(i for i, r in enumerate(rows) if r.indicator)
    rows[first:] = [r for r in rows[first:] if not r.indicator]
    moved = _Row(
        [_label(0, LABEL_W, "指標"), _Cell(LABEL_W, width - LABEL_W, INDICATORS_MOVED)], 18, 16
    )
    for c in moved.cells:
        c.shrink = False
        c.lay(canvas)
    rows.insert(first, moved)
    return [
        (f"指標 {ind.key} {_describe(ind)}", _indicator_text(measure, ind, years))
        for ind in measure.indicators
    ]


def _indicator_text(measure: Measure, ind: Indicator, years: tuple[int, ...]) -> str:
    """An indicator's years as lines for 別紙: '令和5年度　目標 10%未満　実績 7.5%　判定: 達成'."""
    lines = []
    for fy in years:
        rec = measure.year(fy)
        actual = _actual_text(measure, ind, rec).replace("\n（", "（").replace("\n", "　") or "－"
        lines.append(f"{long_label(fy)}　目標 {ind.target_text(fy) or '－'}　実績 {actual}")
    return "\n".join(lines)


def _value(value: float | None, unit: str) -> str:
    return f"{format_grouped(value)}{unit}" if value is not None else ""


def _indicator_rows(
    measure: Measure,
    ind: Indicator,
    recs: list[YearRecord],
    ycols: list[float],
    col_w: float,
    body_w: float,
) -> list[_Row]:
    """One indicator: what it is, its target and its actual (with the judgement) per year.

    The target and actual cells are short by construction and keep their size: fitting
    shrinks or moves the long texts (実施計画, 実施結果), never a number, and moving one to
    別紙 would print a note longer than the number. The actual cell puts each part on its
    own line (value, outside figure, 判定, disagreement), so a narrow column wraps between
    parts, not inside 「中核市平均 93.1%」 or 「選択と不一致」."""
    rows = [
        _Row(
            [_label(0, LABEL_W, "指標"), _Cell(LABEL_W, body_w, _describe(ind), caption="指標")],
            18,
            16,
        ),
        _Row(
            [_label(0, LABEL_W, "目標")]
            + [
                _Cell(ycols[i], col_w, ind.target_text(r.fy) or "－", center=True, shrink=False)
                for i, r in enumerate(recs)
            ],
            20,
            16,
        ),
    ]
    cells = [_label(0, LABEL_W, "実績")]
    for i, r in enumerate(recs):
        cells.append(
            _Cell(ycols[i], col_w, _actual_text(measure, ind, r), center=True, shrink=False)
        )
    rows.append(_Row(cells, 20, 16))
    for row in rows:
        row.indicator = True
    return rows


def _describe(ind: Indicator) -> str:
    """'実質公債費比率（単位: %、減少が良い）'."""
    unit = ind.unit
    about = "、".join(
        p
        for p in (
            f"単位: {unit}" if unit else "",
            f"基準値: {ind.baseline.describe(unit)}" if ind.baseline.describe(unit) else "",
            ind.better.label + "が良い" if ind.better else "",
        )
        if p
    )
    return f"{ind.name}（{about}）" if about else ind.name


def _actual_text(measure: Measure, ind: Indicator, rec: YearRecord) -> str:
    """'95.2%', '中核市平均 93.1%', '判定: 未達成', '（選択と不一致）': one line each."""
    lines = [_value(measure.actuals.get(ind.key, {}).get(rec.fy), ind.unit)]
    figure = measure.figures.get(ind.key, {}).get(rec.fy)
    if ind.figure_name and figure is not None:
        lines.append(f"{ind.figure_name} {_value(figure, ind.unit)}")
    verdict = judgement.of_indicator(measure, ind, rec.fy)
    if verdict.verdict in (Verdict.ACHIEVED, Verdict.NOT_ACHIEVED):
        lines.append(f"判定: {verdict.label}")
        if judgement.disagrees(verdict, rec.status):
            lines.append("（選択と不一致）")
    return "\n".join(line for line in lines if line)


def _header(canvas: Canvas, measure: Measure, job: PrintJob, width: float) -> list[TextBlock]:
    path = job.path(measure)
    first = "　".join(n.caption for n in path[:2])
    blocks = [canvas.block(first, 10.0, width, bold=True)] if first else []
    if len(path) > 2:
        blocks.append(canvas.block("　".join(n.caption for n in path[2:]), 9.5, width))
    return blocks


HEADER_GAP = 4.0
TABLE_GAP = 6.0


def layout_sheet(canvas: Canvas, job: PrintJob, measure: Measure) -> SheetLayout:
    """Fit one measure's sheet into the page (see the module docstring)."""
    _, _, width, height = content_box(False)
    header = _header(canvas, measure, job, width)
    avail = height - sum(b.height + HEADER_GAP for b in header) - TABLE_GAP
    rows = _rows(measure, job, width)
    for row in rows:
        for c in row.cells:
            c.lay(canvas)
    overflow: list[tuple[str, str]] = []
    if sum(_fixed_need(r) for r in rows) > avail:  # too many indicators for any text to help
        overflow += _move_indicators(canvas, rows, measure, job.plan.years, width)
    roomy = sum(r.need(True) for r in rows) <= avail
    while not roomy and sum(r.need(False) for r in rows) > avail:
        cell = _tallest(rows, shrinkable=True)
        if cell is not None:
            cell.size -= STEP
            cell.lay(canvas)
            continue
        cell = _tallest(rows, shrinkable=False)
        if cell is None:
            if any(r.indicator for r in rows):
                overflow += _move_indicators(canvas, rows, measure, job.plan.years, width)
                continue
            break  # only fixed-size cells left: cannot happen with A4 and these rows
        overflow.append((cell.caption, cell.text))
        cell.text, cell.shrink = CONTINUED, False
        for row in rows:  # start again: cells shrunk for the moved text get their size back
            for c in row.cells:
                if c.size != c.base or c is cell:
                    c.size = c.base
                    c.lay(canvas)
    for r in rows:
        r.h = r.need(roomy)
    spare = avail - sum(r.h for r in rows)
    notes = _notes(canvas, job, measure, rows, width)
    if notes is not None and notes.height + NOTES_GAP <= spare:
        spare -= notes.height + NOTES_GAP
    else:
        notes = None  # no room: the sheet stays as it fits; the 用語解説 has the note
    if spare > 0:
        next(r for r in rows if r.stretch).h += spare
    return SheetLayout(header, rows, overflow, notes)


NOTES_SIZE = 6.5
NOTES_GAP = 3.0


def _notes(
    canvas: Canvas, job: PrintJob, measure: Measure, rows: list[_Row], width: float
) -> TextBlock | None:
    """「※6 ネウボラ：…」 for each glossary mark the texts printed on the sheet (its path and
    its cells; not a text moved to 別紙) carry, one line each; None when they carry none."""
    if not job.plan.glossary:
        return None
    texts = [n.caption for n in job.path(measure)]
    texts += [c.text for r in rows for c in r.cells]
    entries = notes_for(job.plan.glossary, *texts)
    if not entries:
        return None
    lines = "\n".join(f"{e.mark} {e.term}：{e.text}" for e in entries)
    return canvas.block(lines, NOTES_SIZE, width)


def fits_one_page(canvas: Canvas, job: PrintJob, measure: Measure) -> bool:
    """True only when the sheet certainly needs no continuation page: when the rows fit at
    their floor heights with every text at its base size, layout_sheet never moves a text
    to 別紙. Texts are measured by an upper bound of their height (Canvas.height_bound);
    while the bounds do not fit, the cell with the tallest bound is laid out for its real
    height, so a sheet costs a few layouts instead of all of them. False: it does not fit
    at floor heights, so layout_sheet must decide."""
    _, _, width, height = content_box(False)
    header = _header(canvas, measure, job, width)
    avail = height - sum(b.height + HEADER_GAP for b in header) - TABLE_GAP
    rows: list[tuple[float, list[list]]] = []  # (floor, [[need, exact, cell], ...])
    for row in _rows(measure, job, width):
        needs = []
        for c in row.cells:
            if c.shrink:
                bound = canvas.height_bound(c.text, c.size, c.w - 2 * PAD_X, bold=c.bold)
                needs.append([bound + 2 * PAD_Y, False, c])
            else:  # labels and marks: short, the same on every sheet, laid out once
                c.lay(canvas)
                needs.append([c.need, True, c])
        rows.append((row.floor_h, needs))
    while sum(max(floor, *(n[0] for n in needs)) for floor, needs in rows) > avail:
        loose = [n for _, needs in rows for n in needs if not n[1]]
        if not loose:
            return False
        tallest = max(loose, key=lambda n: n[0])
        tallest[2].lay(canvas)
        tallest[0], tallest[1] = tallest[2].need, True
    return True


def _tallest(rows: list[_Row], *, shrinkable: bool) -> _Cell | None:
    """The cell that sets the height of the tallest over-full row."""
    best: _Cell | None = None
    for r in rows:
        floor = r.floor_h
        for c in r.cells:
            if not c.shrink or c.need <= floor + 0.01 or not c.text:
                continue
            if shrinkable and c.size - STEP < MIN_SIZE - 1e-9:
                continue
            if best is None or c.need > best.need:
                best = c
    return best


def draw_sheet(canvas: Canvas, layout: SheetLayout) -> None:
    left, top, width, _ = content_box(False)
    y = top
    for block in layout.header:
        canvas.draw_block(block, left, y)
        y += block.height + HEADER_GAP
    y += TABLE_GAP - HEADER_GAP
    table_top = y
    for row in layout.rows:
        for c in row.cells:
            canvas.cell(
                QRectF(left + c.x, y, c.w, row.h), c.block, fill=c.fill, valign_center=c.center
            )
        y += row.h
    canvas.frame(QRectF(left, table_top, width, y - table_top), width=1.2)
    if layout.notes is not None:
        canvas.draw_block(layout.notes, left, y + NOTES_GAP)


def sheet_pages(canvas: Canvas, job: PrintJob, measure: Measure) -> list[Page]:
    """The sheet's page, then any continuation pages for texts too long for it."""
    layout = layout_sheet(canvas, job, measure)
    title = title_of(measure, job)
    pages = [Page(False, lambda c: draw_sheet(c, layout), "sheet", [(1, title)], label=title)]
    if layout.overflow:
        pages += continuation_pages(canvas, f"{title}（別紙）", layout.overflow)
    return pages
