"""Each page in its own orientation on a printer too, and in the preview.

A QPrinter with a PDF engine (print to file; CUPS printers are the same engine) takes a new
page layout between pages: the 一覧 goes out landscape and the 取組管理票 portrait, instead
of every page portrait with the 一覧 turned. The preview draws each page as an image of its
own size (Qt's QPrintPreviewWidget refuses a new layout once painting started)."""

from __future__ import annotations

import pytest
from printing_helpers import is_a4, page_sizes

from kanazawa_desktop.services import printing as P
from kanazawa_desktop.services.desk import Desk


@pytest.fixture(scope="module")
def job(tmp_path_factory, qapp):
    desk = Desk.open(tmp_path_factory.mktemp("orient") / "desk.sqlite3")
    desk.set_role(secretariat=True)
    P.prepare_fonts()
    yield P.build_job(desk, numbers=[1, 2], listing=True)
    desk.close()


def test_a_printer_with_a_pdf_engine_prints_each_page_in_its_orientation(job, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    P.render_to(printer, job)
    sizes = page_sizes(out)
    landscape = [w > h for w, h in sizes]
    assert landscape[0] and not landscape[-1] and landscape == sorted(landscape, reverse=True)
    assert all(is_a4(s, landscape=land) for s, land in zip(sizes, landscape, strict=True))


def test_the_preview_pages_have_their_own_orientation(job):
    pages = P.preview_job(job)
    assert [p.landscape for p in pages][0] and not pages[-1].landscape
    for p in pages:
        img = p.image()
        assert (img.width(), img.height()) == (p.width, p.height)
        assert (img.width() > img.height()) == p.landscape
        assert abs(max(p.width, p.height) / min(p.width, p.height) - 2**0.5) < 0.01  # A4
    # drawn, not blank: the page holds dark text pixels
    img = pages[-1].image()
    dark = sum(
        1
        for y in range(0, img.height(), 7)
        for x in range(0, img.width(), 7)
        if img.pixelColor(x, y).lightness() < 100
    )
    assert dark > 50
