"""計画の数値目標 on A4 landscape pages after the 取組事項一覧: the plan's own indicators (a
基本目標's 数値目標, the plan's KPIs), one table per 基本目標 / KPI group: 指標名 (with its
unit), 基準値, and per fiscal year the target as the plan states it, the actual and the 判定.

The job carries them as plain text lines (`job.GoalLine`, built by services.printing), so this
module reads nothing. Rows never split across pages; a group broken by a page repeats its
heading with （続き） and the table header. No lines, no pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QRectF, Qt

from ..domain.fiscal import short_label
from .canvas import ACHIEVED_FILL, LABEL_FILL, NOT_ACHIEVED_FILL, PAD_Y, Canvas
from .job import GoalLine
from .pages import Page, content_box

TITLE = "計画の数値目標"
BASE_W = 110.0
HEAD_H = 15.0
SIZE = 8.5
FILLS = {"達成": ACHIEVED_FILL, "未達成": NOT_ACHIEVED_FILL}
CENTER = Qt.AlignmentFlag.AlignHCenter
Op = Callable[[Canvas], None]


def goal_pages(canvas: Canvas, lines: Sequence[GoalLine], years: tuple[int, ...]) -> list[Page]:
    if not lines:
        return []
    left, top, width, height = content_box(True)
    bottom = top + height
    year_w = min(110.0, (width * 0.62) / max(1, len(years)))
    name_w = width - BASE_W - year_w * len(years)
    pages: list[list[Op]] = []
    y = 0.0

    def new_page() -> None:
        nonlocal y
        pages.append([])
        title = canvas.block(TITLE, 14.0, width, bold=True)
        pages[-1].append(lambda c, t=title: c.draw_block(t, left, top))
        y = top + title.height + 8

    def put(op: Op, h: float) -> None:
        nonlocal y
        pages[-1].append(op)
        y += h

    def header(at: float) -> Op:
        def draw(c: Canvas) -> None:
            spans = [(name_w, "指標名"), (BASE_W, "基準値")]
            spans += [(year_w, short_label(fy)) for fy in years]
            x = left
            for w, text in spans:
                b = c.block(text, SIZE, w - 6, bold=True, align=CENTER)
                c.cell(QRectF(x, at, w, HEAD_H), b, fill=LABEL_FILL, valign_center=True)
                x += w

        return draw

    def cells(c: Canvas, line: GoalLine):
        texts = [c.block(line.name, SIZE, name_w - 6), c.block(line.baseline, SIZE, BASE_W - 6)]
        texts += [
            c.block(
                "\n".join((_target(gy.target), f"実績 {gy.actual}", gy.verdict)),
                SIZE - 0.5,
                year_w - 6,
                align=CENTER,
            )
            for gy in line.years
        ]
        return texts

    def row(line: GoalLine) -> tuple[Callable[[Canvas, float], None], float]:
        h = max(18.0, *(b.height + 2 * PAD_Y for b in cells(canvas, line)))

        def draw(c: Canvas, at: float) -> None:
            x = left
            widths = [name_w, BASE_W] + [year_w] * len(line.years)
            fills = [None, None] + [FILLS.get(gy.verdict) for gy in line.years]
            for w, b, fill in zip(widths, cells(c, line), fills, strict=True):
                c.cell(QRectF(x, at, w, h), b, fill=fill, valign_center=True)
                x += w

        return draw, h

    groups: list[tuple[str, list[GoalLine]]] = []
    for line in lines:
        if groups and groups[-1][0] == line.group:
            groups[-1][1].append(line)
        else:
            groups.append((line.group, [line]))
    new_page()
    for group, members in groups:
        rows = [row(m) for m in members]
        whole = 24 + HEAD_H + sum(h for _, h in rows)
        if y + whole > bottom and top + 30 + whole <= bottom and pages[-1][1:]:
            new_page()  # a group that fits on a page of its own is not broken
        continued = False
        i = 0
        while i < len(rows):
            head = canvas.block(group + ("（続き）" if continued else ""), 10.5, width, bold=True)
            if y + head.height + 4 + HEAD_H + rows[i][1] > bottom and pages[-1][1:]:
                new_page()
            put(lambda c, b=head, at=y: c.draw_block(b, left, at), head.height + 4)
            put(header(y), HEAD_H)
            placed = 0
            while i < len(rows) and (y + rows[i][1] <= bottom or placed == 0):
                draw, h = rows[i]
                put(lambda c, d=draw, at=y: d(c, at), h)
                i += 1
                placed += 1
            if i < len(rows):
                new_page()
                continued = True
        y += 10
    bookmarks = [(0, TITLE)]
    return [
        Page(True, _drawer(ops), "list", bookmarks if n == 0 else [], label=TITLE)
        for n, ops in enumerate(pages)
    ]


def _target(text: str) -> str:
    if not text:
        return "目標 なし"
    return text if text.startswith("目標") else f"目標 {text}"  # 「目標は設定予定（…）」


def _drawer(ops: list[Op]) -> Op:
    def draw(c: Canvas) -> None:
        for op in ops:
            op(c)

    return draw
