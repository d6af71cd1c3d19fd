"""The round's 回収期限 in the workbook a department receives: 記入のしかた says it in 和暦 with
the weekday, 入力's printed title (its page header: its headers stay in row 1, the contract)
and the 一覧's title row carry it; a workbook exported without one says nothing about it, and
the import takes both."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.workbook.guide_sheet import GUIDE_SHEET
from kanazawa_desktop.workbook.layout import ENTRY_HEADERS

LABEL = "令和8年12月25日（金）"


def _export(desk, out, department, deadline):
    return X.export_workbook(desk, out, department, deadline=deadline, today=date(2026, 12, 1)).path


def _guide(wb) -> str:
    return "\n".join(str(c.value) for c in wb[GUIDE_SHEET]["A"] if c.value)


@pytest.mark.parametrize("department", ["人事課", None])
def test_the_deadline_is_on_the_guide_sheet_and_in_the_titles(secretariat, tmp_path, department):
    out = _export(secretariat, tmp_path / "a.xlsx", department, date(2026, 12, 25))
    wb = openpyxl.load_workbook(out)
    try:
        guide = _guide(wb)
        assert f"回収期限: {LABEL}までに" in guide
        line = next(c for c in wb[GUIDE_SHEET]["A"] if c.value and "回収期限" in c.value)
        assert line.row <= 4 and line.font.b  # near the top, bold
        entry = wb["入力"]
        assert f"回収期限: {LABEL}" in entry.oddHeader.center.text
        assert [c.value for c in entry[1]][: len(ENTRY_HEADERS)] == list(ENTRY_HEADERS)
        assert f"回収期限: {LABEL}" in wb.worksheets[0]["A1"].value  # 一覧's title row
        assert wb.worksheets[0]["A2"].value == "取組No."
    finally:
        wb.close()
    if department:  # the workbook still imports as it is
        [pv] = X.preview_import(secretariat, [out])
        assert pv.error is None and not pv.refusals


def test_without_a_deadline_the_workbook_says_nothing_about_one(secretariat, tmp_path):
    out = _export(secretariat, tmp_path / "b.xlsx", "人事課", None)
    wb = openpyxl.load_workbook(out)
    try:
        assert "期限" not in _guide(wb)
        for ws in wb.worksheets:
            assert "期限" not in (ws.oddHeader.center.text or ""), ws.title
        assert "期限" not in wb.worksheets[0]["A1"].value
    finally:
        wb.close()
