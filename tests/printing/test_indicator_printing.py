"""Indicators on paper: the 一覧 marks a status the numbers disagree with, and the
取組管理票's indicator rows keep each part of a value on its own line."""

from __future__ import annotations

import subprocess

import pytest
from printing_helpers import squash
from pypdf import PdfReader

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.values import actual_field
from kanazawa_desktop.services import printing as P
from kanazawa_desktop.services.desk import Desk

# R5: 経常収支比率 95.2 above the 中核市平均 93.1 (未達成 by the numbers), R6: all met,
# R7: 91.5 above 90.8 again; the department chose 達成 each year.
NO86 = {
    2023: ((7.5, 0, 20.1, 95.2, 0), 93.1),
    2024: ((7.2, 0, 18.4, 92.0, 0), 93.1),
    2025: ((6.9, 0, 15.0, 91.5, 0), 90.8),
}


def layout_lines(pdf) -> list[str]:
    """The PDF's text as pdftotext -layout lines, whitespace removed: one table row a line."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout.decode("utf-8")
    return [squash(line) for line in out.splitlines()]


@pytest.fixture(scope="module")
def judged_desk(tmp_path_factory, qapp):
    desk = Desk.open(tmp_path_factory.mktemp("ind_print") / "desk.sqlite3")
    desk.set_role(secretariat=True)
    by_no = {m.number: m for m in desk.measures() if m.number}
    m = by_no[86]
    for fy, (values, average) in NO86.items():
        edits = {(fy, actual_field(m, i.key)): v for i, v in zip(m.indicators, values, strict=True)}
        edits[(fy, F.series_field(F.FIGURE, "No.86-4"))] = average
        edits[(fy, F.STATUS)] = "achieved"
        desk.save(m.id, edits)
    # No.1: 85 against 70 chosen 達成 (agrees); 95 against 80 chosen 未達成 (disagrees)
    desk.save(
        by_no[1].id,
        {(2023, F.ACTUAL): 85, (2023, F.STATUS): "achieved"}
        | {(2024, F.ACTUAL): 95, (2024, F.STATUS): "not_achieved"},
    )
    yield desk
    desk.close()


def test_the_list_marks_a_status_the_indicators_judge_otherwise(judged_desk, tmp_path):
    out = tmp_path / "list.pdf"
    P.print_pdf(judged_desk, out, sheets=False, listing=True)
    reader = PdfReader(str(out))
    texts = [p.extract_text() for p in reader.pages]
    # the legend says what the mark means on every page
    assert all("※:" in t and "数値目標の判定" in t for t in texts)
    rows = layout_lines(out)
    assert "86各種財政指標【数値目標】財政課達成※達成達成※" in rows  # R8 still empty
    assert "1職員による課題解決アプリの実践数【数値目標】デジタル行政戦略課達成未達成※" in rows
    # a measure without indicators is never marked
    no_numbers = [t for t in texts if "※" in t.replace("※:", "")]
    assert len(no_numbers) == 2  # the pages of No.1 and No.86 only


def test_the_sheet_keeps_each_part_of_an_actual_on_its_own_line(judged_desk, tmp_path):
    from PySide6.QtGui import QPdfWriter

    from kanazawa_desktop.printing.canvas import Canvas
    from kanazawa_desktop.printing.fonts import ensure_font
    from kanazawa_desktop.printing.sheet import layout_sheet

    job = P.build_job(judged_desk, numbers=[86])
    (measure,) = job.iter_measures()
    canvas = Canvas(QPdfWriter(str(tmp_path / "x.pdf")), ensure_font())
    layout = layout_sheet(canvas, job, measure)
    actual_rows = [r for r in layout.rows if r.cells[0].text == "実績"]
    assert len(actual_rows) == 5
    cells = [c for r in actual_rows for c in r.cells[1:]]
    r5_average = actual_rows[3].cells[1].text.split("\n")
    assert r5_average == ["95.2%", "中核市平均 93.1%", "判定: 未達成", "（選択と不一致）"]
    for c in cells:  # no part wraps inside itself in the year's column
        assert len(c.block.lines) == len(c.text.split("\n")), c.text
    assert not layout.overflow


def test_too_many_indicators_for_the_sheet_go_to_a_continuation_page(tmp_path, qapp):
    """Twelve indicators do not fit under the sheet's texts at any size: they move to 別紙
    together (the table used to run off the page, its actual values replaced by notes)."""
    from PySide6.QtGui import QPdfWriter

    from kanazawa_desktop.domain.indicator import indicator_to_dict
    from kanazawa_desktop.printing.canvas import Canvas
    from kanazawa_desktop.printing.fonts import ensure_font
    from kanazawa_desktop.printing.pages import content_box
    from kanazawa_desktop.printing.sheet import (
        HEADER_GAP,
        INDICATORS_MOVED,
        TABLE_GAP,
        layout_sheet,
    )

    with Desk.open(tmp_path / "desk.sqlite3") as desk:
        desk.set_role(secretariat=True)
        m = next(m for m in desk.measures() if m.number == 86)
        defs = [indicator_to_dict(i) for i in m.indicators]
        defs += [dict(defs[i % 5], key=f"No.86-{i + 1}") for i in range(5, 12)]
        desk.save(m.id, {(None, "indicators"): defs})
        desk.save(m.id, {(2023, actual_field(m, "No.86-1")): 7.5, (2023, "actual:No.86-12"): 0.25})
        job = P.build_job(desk, numbers=[86])
        (measure,) = job.iter_measures()
        canvas = Canvas(QPdfWriter(str(tmp_path / "x.pdf")), ensure_font())
        layout = layout_sheet(canvas, job, measure)
        _, _, _, height = content_box(False)
        avail = height - sum(b.height + HEADER_GAP for b in layout.header) - TABLE_GAP
        assert sum(r.h for r in layout.rows) <= avail + 0.01
        assert [r.cells[1].text for r in layout.rows if r.cells[0].text == "指標"] == [
            INDICATORS_MOVED
        ]
        assert [c.split()[1] for c, _ in layout.overflow] == [f"No.86-{i}" for i in range(1, 13)]
        out = P.print_pdf(desk, tmp_path / "many.pdf", numbers=[86]).path
    pages = [p.extract_text() for p in PdfReader(str(out)).pages]
    assert len(pages) >= 2 and "別紙" in pages[1]
    later = squash("".join(pages[1:]))
    assert "令和5年度目標10%未満実績7.5%判定:達成" in later
    assert "No.86-12" in later and "実績0.25%" in later
