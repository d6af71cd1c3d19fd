"""The 取組事項一覧 on A4 landscape pages, like the seed's 見える化 page.

Grouped by 方針 and 項目 (a page that starts inside a 方針 repeats its heading with
（続き）); each 項目 has a table 取組No. | 取組事項名 | 担当課 | 計画達成状況
(R5…R8), 達成 and 未達成 cells shaded (and labelled, so a grey printout still reads). A
status the measure's indicators judge the other way (domain.judgement.disagrees) is marked
with DISAGREE after its label, and the legend on every page says what the mark means. A
group broken by a page starts again with its 項目 heading (続き) and the table header.
Rows never split across pages; long names wrap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QRectF, Qt

from ..domain import judgement
from ..domain.fiscal import short_label
from ..domain.model import Measure, Node
from ..domain.status import Status
from .canvas import ACHIEVED_FILL, LABEL_FILL, NOT_ACHIEVED_FILL, PAD_Y, Canvas
from .job import PrintJob
from .pages import Page, content_box

NO_W = 46.0
STATUS_W = 46.0
DEPT_W = 190.0
HEAD_H = 15.0
ROW_SIZE = 9.0
FILLS = {Status.ACHIEVED: ACHIEVED_FILL, Status.NOT_ACHIEVED: NOT_ACHIEVED_FILL}
CENTER = Qt.AlignmentFlag.AlignHCenter
# in the bundled font (IPAexGothic has no ⚠), and the note mark a Japanese reader looks up
DISAGREE = "※"
DISAGREE_LEGEND = f"{DISAGREE}: 数値目標の判定（実績値による）と異なる"

Op = Callable[[Canvas], None]


class _Line(NamedTuple):
    """What a row of the list shows: text only, so pages hold no laid-out text."""

    no: str
    name: str
    departments: str
    statuses: tuple[Status, ...]
    disagree: tuple[bool, ...]  # per year: the indicators judge the chosen status wrong


def _line(m: Measure, years: tuple[int, ...]) -> _Line:
    statuses = tuple(m.year(fy).status for fy in years)
    return _Line(
        "-" if m.is_repeat else str(m.number),
        ("【廃止】" if m.retired else "") + ("【再掲】" if m.is_repeat else "") + m.display_name,
        m.department_text,
        statuses,
        tuple(_disagrees(m, fy, s) for fy, s in zip(years, statuses, strict=True)),
    )


def _disagrees(m: Measure, fy: int, status: Status) -> bool:
    verdict = judgement.of_measure(m, fy)
    return verdict is not None and judgement.disagrees(verdict, status)


def _groups(job: PrintJob) -> list[tuple[Node | None, Node | None, list[_Line]]]:
    """Consecutive measures sharing a 方針 and 項目, in printed order (read in batches)."""
    out: list[tuple[Node | None, Node | None, list[_Line]]] = []
    years = job.plan.years
    for m in job.iter_measures():
        path = job.path(m)
        policy = path[0] if path else None
        item = path[1] if len(path) > 1 else None
        if out and out[-1][0] == policy and out[-1][1] == item:
            out[-1][2].append(_line(m, years))
        else:
            out.append((policy, item, [_line(m, years)]))
    return out


def list_pages(canvas: Canvas, job: PrintJob) -> list[Page]:
    left, top, width, height = content_box(True)
    bottom = top + height
    years = job.plan.years
    name_w = width - NO_W - DEPT_W - STATUS_W * len(years)
    pages: list[list[Op]] = []
    y = 0.0

    def new_page() -> None:
        nonlocal y
        pages.append([])
        y = top
        title = canvas.block(job.plan.list_title, 14.0, width, bold=True)
        pages[-1].append(lambda c, t=title: c.draw_block(t, left, top))
        pages[-1].append(lambda c: _legend(c, left + width, top + 3))
        y += title.height + 8

    def put(op: Op, h: float) -> None:
        nonlocal y
        pages[-1].append(op)
        y += h

    def header(at: float) -> Op:
        def draw(c: Canvas) -> None:
            x = left
            spans = [(NO_W, "取組No."), (name_w, "取組事項名"), (DEPT_W, "担当課")]
            for w, text in spans:
                c.cell(
                    QRectF(x, at, w, 2 * HEAD_H),
                    c.block(text, 8.5, w - 6, bold=True, align=CENTER),
                    fill=LABEL_FILL,
                    valign_center=True,
                )
                x += w
            c.cell(
                QRectF(x, at, STATUS_W * len(years), HEAD_H),
                c.block("計画達成状況", 8.5, STATUS_W * len(years) - 6, bold=True, align=CENTER),
                fill=LABEL_FILL,
                valign_center=True,
            )
            for i, fy in enumerate(years):
                c.cell(
                    QRectF(x + i * STATUS_W, at + HEAD_H, STATUS_W, HEAD_H),
                    c.block(short_label(fy), 8.5, STATUS_W - 6, bold=True, align=CENTER),
                    fill=LABEL_FILL,
                    valign_center=True,
                )

        return draw

    def blocks(c: Canvas, line: _Line):
        return (
            [
                c.block(line.no, ROW_SIZE, NO_W - 6, align=CENTER),
                c.block(line.name, ROW_SIZE, name_w - 6),
                c.block(line.departments, 8.5, DEPT_W - 6),
            ],
            [
                c.block(
                    (s.label if s != Status.PENDING else "") + (DISAGREE if d else ""),
                    ROW_SIZE,
                    STATUS_W - 6,
                    bold=True,
                    align=CENTER,
                )
                for s, d in zip(line.statuses, line.disagree, strict=True)
            ],
        )

    def row(line: _Line) -> tuple[Callable[[Canvas, float], None], float]:
        texts, marks = blocks(canvas, line)
        h = max(16.0, *(b.height + 2 * PAD_Y for b in texts + marks))

        def draw(c: Canvas, at: float) -> None:
            texts, marks = blocks(c, line)  # again: a page keeps the text, not its layout
            x = left
            for w, b in zip((NO_W, name_w, DEPT_W), texts, strict=True):
                c.cell(QRectF(x, at, w, h), b, valign_center=True)
                x += w
            for s, b in zip(line.statuses, marks, strict=True):
                c.cell(QRectF(x, at, STATUS_W, h), b, fill=FILLS.get(s), valign_center=True)
                x += STATUS_W

        return draw, h

    def policy_bar(policy: Node, continued: bool) -> None:
        b = canvas.block(policy.caption + ("（続き）" if continued else ""), 11.5, width, bold=True)
        put(
            lambda c, b=b, at=y: (
                c.fill(QRectF(left, at - 1, width, b.height + 2), LABEL_FILL),
                c.draw_block(b, left + 3, at),
            ),
            b.height + 8,
        )

    last_policy: Node | None = None
    for policy, item, measures in _groups(job):
        rows = [row(m) for m in measures]
        new_policy = policy is not None and policy != last_policy
        itm = canvas.block(item.caption, 10.0, width, bold=True) if item is not None else None
        lead = 24 + (itm.height + 4 if itm else 0) + 2 * HEAD_H
        if not pages or y + lead + rows[0][1] > bottom:
            new_page()
            if policy is not None and not new_policy:
                policy_bar(policy, True)  # a page never starts without its 方針
        if new_policy:
            policy_bar(policy, False)  # type: ignore[arg-type]
            last_policy = policy
        continued = False
        i = 0
        while i < len(rows):
            if itm is not None:
                text = item.caption + ("（続き）" if continued else "")  # type: ignore[union-attr]
                b = canvas.block(text, 10.0, width, bold=True)
                put(lambda c, b=b, at=y: c.draw_block(b, left, at), b.height + 4)
            put(header(y), 2 * HEAD_H)
            placed = 0
            while i < len(rows) and (y + rows[i][1] <= bottom or (continued and placed == 0)):
                draw, h = rows[i]
                put(lambda c, d=draw, at=y: d(c, at), h)
                i += 1
                placed += 1
            if i < len(rows):
                new_page()
                if policy is not None:
                    policy_bar(policy, True)
                continued = True
        y += 10

    name = job.plan.list_title
    bookmarks = [(0, name)]
    return [
        Page(True, _drawer(ops), "list", bookmarks if n == 0 else [], label=name)
        for n, ops in enumerate(pages)
    ]


def _drawer(ops: list[Op]) -> Op:
    def draw(c: Canvas) -> None:
        for op in ops:
            op(c)

    return draw


def _legend(c: Canvas, right: float, y: float) -> None:
    """Right-aligned: ■達成 ■未達成 空欄は実績確定前 ※は数値目標の判定と異なる."""
    parts = [
        (ACHIEVED_FILL, "達成"),
        (NOT_ACHIEVED_FILL, "未達成"),
        (None, "空欄: 実績確定後に記載"),
        (None, DISAGREE_LEGEND),
    ]
    size = 8.0
    widths = [c.text_width(t, size) for _, t in parts]
    x = right - sum(
        w + (14 if f is not None else 0) + 10 for (f, _), w in zip(parts, widths, strict=True)
    )
    for (fill, text), w in zip(parts, widths, strict=True):
        if fill is not None:
            rect = QRectF(x, y + 1, 10, 10)
            c.fill(rect, fill)
            c.frame(rect, width=0.5)
            x += 14
        c.text(text, x, y, size, w + 2)
        x += w + 10
