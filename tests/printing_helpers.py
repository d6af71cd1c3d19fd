"""Shared helpers for the printing tests: reading a PDF's pages, text, fonts and outline."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from pypdf import PdfReader

A4 = (595.28, 841.89)


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(str(pdf)).pages]


def is_a4(size: tuple[float, float], landscape: bool) -> bool:
    w, h = size
    want = (A4[1], A4[0]) if landscape else A4
    return abs(w - want[0]) < 1.5 and abs(h - want[1]) < 1.5


def page_texts(pdf: Path, *, above_footer: bool = False) -> list[str]:
    """pdftotext (poppler) per page, whitespace removed: wrapped lines join up again.

    `above_footer` drops a portrait page's footer (it lies below y = 810 pt).
    """
    crop = ["-x", "0", "-y", "0", "-W", "900", "-H", "810"] if above_footer else []
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *crop, str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout.decode("utf-8")
    return [squash(t) for t in out.split("\f")[:-1]]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def fonts(pdf: Path) -> list[dict[str, str]]:
    out = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    lines = out.splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID: the flags are the 5th-3rd from the end
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def outline(pdf: Path) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """[(top title, page index, [(child title, page index), ...]), ...]."""
    reader = PdfReader(str(pdf))
    out: list[tuple[str, int, list[tuple[str, int]]]] = []
    for item in reader.outline:
        if isinstance(item, list):
            title, page, _ = out[-1]
            out[-1] = (
                title,
                page,
                [(c.title, reader.get_destination_page_number(c)) for c in item],
            )
        else:
            out.append((item.title, reader.get_destination_page_number(item), []))
    return out


def font_sizes(pdf: Path, page: int, *, above_footer: bool = True) -> list[float]:
    """The size in points of every text run drawn on a page (0-based), from the text matrix;
    `above_footer` leaves out the footer (its runs lie in the bottom 40 pt)."""
    import math

    sizes: list[float] = []

    def visit(text, cm, tm, _font, size) -> None:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and not (above_footer and y < 40):
            sizes.append(round(size * math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1]), 2))

    PdfReader(str(pdf)).pages[page].extract_text(visitor_text=visit)
    return sizes


def toc_lines(pdf: Path, page_no: int) -> list[tuple[str, int]]:
    """(title, page number) per line of a 目次 page (page_no counted from 1)."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(page_no), "-l", str(page_no)]
        + [str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode("utf-8")
    found = re.findall(r"^\s*(\S.*?)\s{2,}(\d+)\s*$", text, re.M)
    return [(squash(title), int(n)) for title, n in found]
