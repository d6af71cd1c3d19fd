"""A percentage typed in Excel (98.45 % is stored as 0.9845) reaches the app as 98.45 (issue 10)."""

from __future__ import annotations

import openpyxl
import pytest
from exchange_helpers import entry_rows

from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.workbook.number_formats import is_percent_format, percent_rows, percent_styles

STYLES = b"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
 <numFmts count="3"><numFmt numFmtId="164" formatCode="0.0&quot;%&quot;"/>
  <numFmt numFmtId="165" formatCode="#,##0.00%"/><numFmt numFmtId="166" formatCode="[Red]0.0\\%"/></numFmts>
 <cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="10"/><xf numFmtId="164"/><xf numFmtId="165"/>
  <xf numFmtId="166"/><xf numFmtId="9"/></cellXfs>
</styleSheet>"""


@pytest.mark.parametrize(
    "code, percent",
    [
        ("0%", True),
        ("0.00%", True),
        ("#,##0.0%", True),
        ('0.0"%"', False),
        ("0.0\\%", False),
        ("[Red]0.0%", True),
        ("General", False),
        ('"%"0', False),
    ],
)
def test_which_formats_show_a_percentage(code, percent):
    assert is_percent_format(code) is percent


def test_percent_styles_and_the_rows_that_use_them():
    assert percent_styles(STYLES) == {1, 3, 5}
    sheet = (
        b'<worksheet><sheetData><row r="2"><c r="I2" s="1"><v>0.9845</v></c></row>'
        b'<row r="3"><c r="I3" s="2"><v>98.45</v></c><c r="H3" s="1"/></row>'
        b'<row r="4"><x:c r="i4" s="5" t="n"><v>1</v></x:c></row></sheetData></worksheet>'
    )
    assert percent_rows(sheet, "I", percent_styles(STYLES)) == {2, 4}
    assert percent_rows(sheet, "I", frozenset()) == frozenset()


@pytest.mark.parametrize(
    "value, number_format, read",
    [
        (0.9845, "0.00%", 98.45),
        (1, "0%", 100.0),
        (98.45, '0.00"%"', 98.45),
        (98.45, "General", 98.45),
    ],
)
def test_an_actual_typed_as_a_percentage_is_read_as_its_percent_value(
    secretariat, tmp_path, value, number_format, read
):
    issued = X.export_workbook(secretariat, tmp_path / "bunsho.xlsx", "文書法制課").path
    wb = openpyxl.load_workbook(issued)
    cell = wb["入力"][f"I{entry_rows(issued)[('No.9', 'R5')]}"]
    cell.value, cell.number_format = value, number_format
    wb.save(issued)
    [pv] = X.preview_import(secretariat, [issued])
    assert not pv.refused, (pv.error, pv.refusals)
    assert {pv.describe(c): c.file for c in pv.changes} == {"No.9 R5 実績値": read}


def test_unreadable_styles_only_lose_the_percent_hint():
    assert percent_styles(b"<styleSheet><cellXfs><xf numFmtId='9'>") == frozenset()
    assert percent_styles(b"") == frozenset()
