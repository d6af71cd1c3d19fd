"""Continuation pages (別紙): texts too long for their sheet's cell, printed in full.

Each text gets a caption (e.g. 実施結果（令和5年度）) and flows across as many A4 portrait
pages as it needs, broken between lines, never inside one. Every page after the first
starts with the sheet's title and 「（別紙・続き）」, so a loose page still says whose it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from .canvas import Canvas, TextBlock
from .pages import Page, content_box

TITLE_SIZE = 11.0
CAPTION_SIZE = 9.5
BODY_SIZE = 9.0
GAP = 8.0


@dataclass
class _Piece:
    block: TextBlock
    y: float  # where the piece's first line goes on the page
    first: float  # the block's y at the piece's first line
    lines: range  # the block's lines on this page


def continuation_pages(canvas: Canvas, title: str, texts: list[tuple[str, str]]) -> list[Page]:
    left, top, width, height = content_box(False)
    bottom = top + height
    pages: list[list[_Piece]] = [[]]
    y = top
    running = canvas.block(
        f"{title.removesuffix('（別紙）')}（別紙・続き）", CAPTION_SIZE, width, bold=True
    )

    def new_page() -> None:
        nonlocal y
        pages.append([_Piece(running, top, 0.0, range(len(running.lines)))])
        y = top + running.height + GAP

    def place(block: TextBlock) -> None:
        nonlocal y
        start = 0
        while start < len(block.lines):
            end = start
            first = block.lines[start][0]
            while (
                end < len(block.lines)
                and y + block.lines[end][0] + block.lines[end][1] - first <= bottom
            ):
                end += 1
            if end == start:
                if len(pages[-1]) <= (0 if len(pages) == 1 else 1):
                    end = start + 1  # a single line taller than a page: place it anyway
                else:
                    new_page()
                    continue
            last = block.lines[end - 1][0] + block.lines[end - 1][1]
            pages[-1].append(_Piece(block, y, first, range(start, end)))
            y += last - first + 2
            start = end
            if start < len(block.lines):
                new_page()

    place(canvas.block(title, TITLE_SIZE, width, bold=True))
    y += GAP
    for caption, text in texts:
        cap = canvas.block(caption, CAPTION_SIZE, width, bold=True)
        if y + cap.height + 3 * BODY_SIZE > bottom:
            new_page()
        place(cap)
        place(canvas.block(text, BODY_SIZE, width))
        y += GAP

    def drawer(pieces: list[_Piece]):
        def draw(c: Canvas) -> None:
            for p in pieces:
                c.draw_block(p.block, left, p.y - p.first, lines=p.lines)

        return draw

    return [Page(False, drawer(pieces), "continuation", [], label=title) for pieces in pages]
