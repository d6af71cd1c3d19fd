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


def test_an_actual_100_times_off_its_target_waits_for_a_decision(secretariat, tmp_path, capsys):
    """No.9's target is 100 (%): 0.9845 typed into a plain cell is flagged, never stored as is."""
    from kanazawa_desktop.cli import main
    from kanazawa_desktop.domain.merge import Decision

    issued = X.export_workbook(secretariat, tmp_path / "bunsho.xlsx", "文書法制課").path
    wb = openpyxl.load_workbook(issued)
    rows = entry_rows(issued)
    wb["入力"][f"I{rows[('No.9', 'R5')]}"] = 0.9845
    wb["入力"][f"I{rows[('No.9', 'R6')]}"] = 99.5  # on the scale: applied as usual
    wb.save(issued)
    [pv] = X.preview_import(secretariat, [issued])
    assert [(pv.describe(c), c.decision) for c in pv.conflicts] == [
        ("No.9 R5 実績値", Decision.SCALE)
    ]
    assert [pv.describe(c) for c in pv.changes] == ["No.9 R6 実績値"]
    assert "桁が違います" in Decision.SCALE.label

    db = secretariat.path
    secretariat.close()
    assert main(["--db", str(db), "import", str(issued)]) == 3  # applied, one field left open
    assert (
        "  桁違い  No.9 R5 実績値: 現在 （空欄） / ファイル 「0.9845」" in capsys.readouterr().out
    )
    from kanazawa_desktop.services.desk import Desk

    with Desk.open(db) as d:
        no9 = next(m for m in d.measures() if m.number == 9)
        assert (no9.year(2023).actual, no9.year(2024).actual) == (None, 99.5)


def test_a_value_100_times_off_is_stored_when_someone_takes_the_files_side(secretariat, tmp_path):
    issued = X.export_workbook(secretariat, tmp_path / "bunsho.xlsx", "文書法制課").path
    wb = openpyxl.load_workbook(issued)
    wb["入力"][f"I{entry_rows(issued)[('No.9', 'R5')]}"] = 0.9845
    wb.save(issued)
    [pv] = X.preview_import(secretariat, [issued])
    X.apply_import(secretariat, pv, {pv.conflicts[0].key: X.TAKE_FILE})
    no9 = next(m for m in secretariat.measures() if m.number == 9)
    assert no9.year(2023).actual == 0.9845


@pytest.mark.parametrize(
    "typed, read, refused",
    [
        ("99.5%", 99.5, ""),
        ("９９．５％", 99.5, ""),
        ("99.5件", None, "単位「件」はこの指標の単位（%）と違います"),
    ],
)
def test_an_actual_typed_as_text_with_its_unit_is_read_as_the_form_reads_it(
    secretariat, tmp_path, typed, read, refused
):
    issued = X.export_workbook(secretariat, tmp_path / "bunsho.xlsx", "文書法制課").path
    wb = openpyxl.load_workbook(issued)
    cell = wb["入力"][f"I{entry_rows(issued)[('No.9', 'R5')]}"]
    cell.value, cell.data_type = typed, "s"
    wb.save(issued)
    [pv] = X.preview_import(secretariat, [issued])
    if refused:  # a bad value is an open item of the file, not a refusal of it
        assert not pv.refused and refused in " ".join(i.message for i in pv.open_items)
    else:
        assert not pv.refused and {pv.describe(c): c.file for c in pv.changes} == {
            "No.9 R5 実績値": read
        }


def test_a_count_far_below_its_target_is_not_flagged(secretariat, tmp_path):
    """No.1 (開発アプリ数, 件, target 70 in R5): 1 app is a slow year, not a typing slip."""
    issued = X.export_workbook(secretariat, tmp_path / "digital.xlsx", "デジタル行政戦略課").path
    wb = openpyxl.load_workbook(issued)
    wb["入力"][f"I{entry_rows(issued)[('No.1', 'R5')]}"] = 0.7
    wb.save(issued)
    [pv] = X.preview_import(secretariat, [issued])
    assert not pv.conflicts and [pv.describe(c) for c in pv.changes] == ["No.1 R5 実績値"]
