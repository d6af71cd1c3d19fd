"""The workbook a department receives: how it prints from Excel, its fonts, its guidance, and
that the import still takes it (older workbooks: tests/services/test_exchange_provenance.py;
LibreOffice re-saves: tests/services/test_exchange_roundtrip.py)."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from exchange_helpers import fill

from kanazawa_desktop.domain.fiscal import era_date
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.workbook.guide_sheet import GUIDE_SHEET, MEASURE_SHEET_NOTE


@pytest.fixture
def part(secretariat, tmp_path):
    return X.export_workbook(secretariat, tmp_path / "jinji.xlsx", "人事課").path


def _visible(wb):
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


def test_every_sheet_prints_with_header_footer_narrow_margins_fitted_to_width(part):
    wb = openpyxl.load_workbook(part)
    for ws in _visible(wb):
        header = ws.oddHeader
        assert "行政経営プラン" in header.left.text, ws.title
        assert "人事課" in header.center.text and ws.title in header.center.text, ws.title
        assert re.fullmatch(r"令和\d+年\d+月\d+日 書き出し", header.right.text), header.right.text
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert ws.page_margins.left == ws.page_margins.right == 0.25
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert int(ws.page_setup.paperSize) == 9
    assert wb["入力"].print_title_rows == "$1:$1"
    lst = wb.worksheets[0]
    assert lst.print_title_rows == "$2:$2"
    assert "人事課" in lst["A1"].value and lst["A2"].value == "取組No."  # title row, then headers


def test_every_font_is_yu_gothic_bold_headers_included(part):
    with zipfile.ZipFile(part) as z:
        styles = z.read("xl/styles.xml").decode()
    names = re.findall(r'<name val="([^"]+)"', styles)
    assert names and set(names) == {"游ゴシック"}, names
    assert "Calibri" not in styles and '<b val="1"' in styles


def test_data_rows_are_boxed_and_entry_rows_grow_with_their_text(part):
    wb = openpyxl.load_workbook(part)
    ws = wb["入力"]
    for cell in ws[2]:
        assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin", cell
    lst = wb.worksheets[0]
    [first] = [r for r in range(3, lst.max_row + 1) if lst.cell(r, 1).value == "No.7"]
    assert lst.cell(first, 1).border.left.style == "thin"  # a measure row of the list
    with zipfile.ZipFile(part) as z:
        entry = z.read("xl/worksheets/sheet2.xml").decode()
    assert 'ht="' in entry  # the height it opens with …
    assert "customHeight" not in entry  # … not fixed: Excel fits the row again after an edit


def test_input_messages_on_status_and_actual(secretariat, tmp_path):
    out = X.export_workbook(secretariat, tmp_path / "d.xlsx", "デジタル行政戦略課").path
    ws = openpyxl.load_workbook(out)["入力"]
    prompts = {
        dv.promptTitle: dv
        for dv in ws.data_validations.dataValidation
        if dv.showInputMessage and dv.prompt
    }
    assert {"計画達成状況", "実績値"} <= set(prompts)
    assert "未確定" in prompts["計画達成状況"].prompt and "数値" in prompts["実績値"].prompt


def test_guide_sheet_opens_first_and_measure_sheets_say_they_are_a_snapshot(part):
    wb = openpyxl.load_workbook(part)
    assert wb.active.title == GUIDE_SHEET and wb.sheetnames[-1] == GUIDE_SHEET
    text = "\n".join(str(c.value) for c in wb[GUIDE_SHEET]["A"] if c.value)
    for words in (
        "人事課",
        "入力",
        "黄色",
        "計画達成状況",
        "実績値",
        "指標",
        "送り返",
        "書き出し時点",
    ):
        assert words in text, words
    assert wb[GUIDE_SHEET].protection.sheet
    assert wb["No.7"]["A1"].value == MEASURE_SHEET_NOTE
    assert "書き出し時点の内容" in wb["No.7"].oddHeader.center.text
    assert wb["No.7"]["A3"].value.startswith("No.7")  # the title follows the path row


def test_master_guide_says_it_is_imported_by_the_app(secretariat, tmp_path):
    out = X.export_workbook(secretariat, tmp_path / "master.xlsx").path
    wb = openpyxl.load_workbook(out)
    text = "\n".join(str(c.value) for c in wb[GUIDE_SHEET]["A"] if c.value)
    assert "全課" in text and "取り込みます" in text
    assert "全課" in wb["入力"].oddHeader.center.text


def test_structure_is_locked(part):
    wb = openpyxl.load_workbook(part)
    assert wb.security is not None and wb.security.lockStructure


def test_the_new_workbook_still_imports(secretariat, part):
    fill(part, {("No.7", "R5", "result"): "記入しました", ("No.7", "R5", "status"): "達成"})
    [pv] = X.preview_import(secretariat, [part])
    assert not pv.refused, (pv.error, pv.refusals)
    assert len(pv.changes) == 2


def test_era_date():
    assert era_date("2026-11-30T10:00:00+09:00") == "令和8年11月30日"
    assert era_date("2019-05-01") == "令和元年5月1日"
    assert era_date("2019-04-30") == "平成31年4月30日"
    assert era_date("") == ""
