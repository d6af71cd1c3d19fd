"""Render a PrintJob into one PDF file: A4 pages, the bundled font embedded, bookmarks.

`write_pdf(job, path, on_page)` writes `path` (the caller chooses a temporary name and
moves it into place) and returns the page count. QPdfWriter has no outline API, so the
bookmarks (and a ToUnicode fix) are added afterwards by finish.finish_pdf. Should the
streamed rendering find a page count other than it counted (document.Miscounted), the file
is written once more with every sheet laid out while counting.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPdfWriter

from ..domain.errors import Miscounted
from ..domain.fiscal import long_label
from .document import OnPage, render
from .finish import finish_pdf
from .job import PrintJob

RESOLUTION = 72  # device units are points; vector output, so this costs no quality


def write_pdf(
    job: PrintJob, path: Path, on_page: OnPage | None = None, on_count: OnPage | None = None
) -> int:
    try:
        marks = _write(job, path, on_page, on_count, exact=False)
    except Miscounted:
        marks = _write(job, path, on_page, on_count, exact=True)
    return finish_pdf(path, marks, info=metadata(job))


def metadata(job: PrintJob) -> dict[str, str]:
    """/Title, /Author and /Subject of the document information (QPdfWriter writes no subject,
    so finish_pdf writes all three)."""
    if job.report is not None:
        return {
            "/Title": job.report.title,
            "/Author": job.report.author,
            "/Subject": f"{job.plan.name}の{long_label(job.report.year)}の進捗状況"
            f"（達成状況の概要、指標の判定、{job.plan.sheet_title}）",
        }
    what = job.plan.sheet_title if job.sheets else job.plan.list_title
    return {"/Title": f"{job.plan.name} {what}", "/Author": "金沢市", "/Subject": what}


def _write(
    job: PrintJob, path: Path, on_page: OnPage | None, on_count: OnPage | None, *, exact: bool
) -> list:
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setCreator("kanazawa-desktop 取組管理デスク")
    info = metadata(job)
    writer.setTitle(info["/Title"])
    writer.setAuthor(info["/Author"])
    try:
        return render(writer, job, on_page, exact=exact, on_count=on_count)
    finally:
        del writer  # closes the file
