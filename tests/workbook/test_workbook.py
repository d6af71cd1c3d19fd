"""The exported workbook: sheets, headers, protection, validation, text kept as text."""

from __future__ import annotations

import json

import openpyxl
import pytest
from exchange_helpers import entry_rows, fill, rewrite_part

from kanazawa_desktop.domain.merge import Decision
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.workbook.layout import ENTRY_HEADERS
from kanazawa_desktop.workbook.layout import ENTRY_SHEET as ENTRY_SHEET_NAME
from kanazawa_desktop.workbook.reader import read_returned

TRICKY = [
    "=SUM(A1)",
    "-3",
    "+81",
    "@x",
    "#N/A",
    "・項目",
    "=未確定",
    "0012",
    " 前後の空白 ",
    "改行\n二行目",
    "𠮷野家",
    "#DIV/0!",
    "TRUE",
]


def test_master_workbook_sheets_and_headers(secretariat, tmp_path):
    out = tmp_path / "master.xlsx"
    result = X.export_workbook(secretariat, out)
    assert result.scope == "master" and result.rows == 90 * 4
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["取組事項一覧", "入力"] and wb.sheetnames[-1] == "記入のしかた"
    assert wb.active.title == "記入のしかた"
    assert "No.1" in wb.sheetnames and "No.90" in wb.sheetnames
    assert wb["_manifest"].sheet_state == "hidden"
    assert "全課" in wb["取組事項一覧"]["A1"].value  # the title row names whose list it is
    assert [c.value for c in wb["取組事項一覧"][2]] == [
        "取組No.",
        "取組事項名",
        "担当課",
        "R5",
        "R6",
        "R7",
        "R8",
    ]
    ws = wb["入力"]
    assert tuple(c.value for c in ws[1]) == ENTRY_HEADERS
    assert ws.protection.sheet and ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:I")
    assert int(ws.page_setup.paperSize) == 9  # A4
    row = ws[2]
    assert row[0].value == "No.1" and row[3].value == "R5"
    assert row[0].protection.locked and row[4].protection.locked  # 取組No., 実施計画
    assert not row[5].protection.locked and not row[6].protection.locked  # 実施結果, 計画達成状況
    assert not row[8].protection.locked  # 実績値 of a 【数値目標】 measure
    dv = [d for d in ws.data_validations.dataValidation if d.type == "list"]
    assert dv and dv[0].formula1 == '"未確定,達成,未達成"' and "G2" in str(dv[0].sqref)
    titles = [ws.cell(r, 2).value for r in range(2, ws.max_row + 1)]
    assert titles.count("職員による課題解決アプリの実践数") == 4
    # 一覧 grouped by 方針 and 項目
    first = [wb["取組事項一覧"].cell(r, 2).value for r in range(3, 6)]
    assert first[0].startswith("方針1") and first[1].startswith("(1)")


def test_list_and_sheet_show_settled_status_and_blank_until_then(secretariat, tmp_path):
    from kanazawa_desktop.domain.status import Status

    m = next(r for r in secretariat.measures() if r.number == 10)
    secretariat.save(
        m.id, {(2023, "status"): Status.ACHIEVED, (2024, "status"): Status.NOT_ACHIEVED}
    )
    out = X.export_workbook(secretariat, tmp_path / "m.xlsx").path
    wb = openpyxl.load_workbook(out)
    ws = wb["取組事項一覧"]
    [row] = [r for r in ws.iter_rows(values_only=True) if r[0] == "No.10"]
    assert row[3:7] == ("達成", "未達成", None, None)
    sheet = wb["No.10"]
    [status_row] = [r for r in sheet.iter_rows(values_only=True) if r[0] == "計画達成状況"]
    assert status_row[1:5] == ("達成", "未達成", None, None)


def test_department_part_has_only_its_measures(secretariat, tmp_path):
    out = tmp_path / "jinji.xlsx"
    X.export_workbook(secretariat, out, "人事課")
    wb = openpyxl.load_workbook(out)
    depts = {wb["入力"].cell(r, 3).value for r in range(2, wb["入力"].max_row + 1)}
    assert all("人事課" in d for d in depts)
    assert "No.1" not in wb.sheetnames and "No.7" in wb.sheetnames


def test_tricky_text_stays_text(secretariat, tmp_path):
    rows = [r for r in secretariat.measures() if not r.is_repeat][: len(TRICKY)]
    for m, text in zip(rows, TRICKY, strict=True):
        secretariat.save(m.id, {(2023, "result_text"): text})
    out = tmp_path / "t.xlsx"
    X.export_workbook(secretariat, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["入力"]
    found = {
        ws.cell(r, 1).value: ws.cell(r, 6)
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, 4).value == "R5"
    }
    for m, text in zip(rows, TRICKY, strict=True):
        cell = found[m.number_label]
        assert cell.data_type == "s" and cell.value == text
    # and the import reader sees the same strings
    back = {r.values[0]: r.values[5] for r in read_returned(out).rows if r.values[3] == "R5"}
    for m, text in zip(rows, TRICKY, strict=True):
        assert back[m.number_label] == text


def test_typed_tricky_text_round_trips_through_import(secretariat, tmp_path):
    out = X.export_workbook(secretariat, tmp_path / "j.xlsx", "人事課").path
    keys = [k for k in entry_rows(out)][: len(TRICKY)]
    fill(out, {(k[0], k[1], "result"): text for k, text in zip(keys, TRICKY, strict=True)})
    [pv] = X.preview_import(secretariat, [out])
    assert not pv.refused and not pv.conflicts
    got = {(pv.describe(c)): c.file for c in pv.changes}
    assert sorted(got.values()) == sorted(TRICKY)
    X.apply_import(secretariat, pv)
    by_label = {m.number_label: m for m in secretariat.measures()}
    for (label, year, _), text in zip([(k[0], k[1], 0) for k in keys], TRICKY, strict=True):
        fy = 2018 + int(year[1:])
        assert by_label[label].year(fy).result_text == text


def test_text_over_excel_limit_is_an_open_item_on_import(secretariat, tmp_path):
    out = X.export_workbook(secretariat, tmp_path / "j.xlsx", "人事課").path
    fill(out, {("No.7", "R5", "result"): "LONGMARK"})  # openpyxl itself cuts at 32,767
    rewrite_part(
        out, "xl/worksheets/sheet2.xml", lambda b: b.replace(b"LONGMARK", "あ".encode() * 32768)
    )
    [pv] = X.preview_import(secretariat, [out])
    assert not pv.refused, (pv.error, pv.refusals)
    [item] = pv.open_items
    assert "上限" in item.message and len(item.written) == 32768


def test_text_cut_by_the_reader_refuses_the_file(secretariat, tmp_path, monkeypatch):
    """A reader that cuts a text to the limit hides the rest: that file is refused whole."""
    import python_calamine

    out = X.export_workbook(secretariat, tmp_path / "j.xlsx", "人事課").path
    fill(out, {("No.7", "R5", "result"): "LONGMARK"})
    rewrite_part(
        out, "xl/worksheets/sheet2.xml", lambda b: b.replace(b"LONGMARK", "あ".encode() * 32768)
    )
    real = python_calamine.CalamineSheet.to_python

    def cutting(sheet, *a, **k):
        rows = real(sheet, *a, **k)
        return [[v[:32767] if isinstance(v, str) else v for v in row] for row in rows]

    monkeypatch.setattr(python_calamine.CalamineSheet, "to_python", cutting)
    [pv] = X.preview_import(secretariat, [out])
    assert pv.refused and pv.error_kind == "too_long" and "上限" in pv.error


def test_export_refuses_control_characters_cleanly(secretariat, tmp_path):
    from kanazawa_desktop.workbook.errors import BadWorkbook

    m = secretariat.measures()[0]
    secretariat.save(
        m.id, {(2023, "result_text"): "bell\x07"}
    )  # typed: the control character is dropped
    assert secretariat.measure(m.id).year(2023).result_text == "bell"
    # one already stored (by a build before the cleaning) is refused at export, not written broken
    secretariat.db.execute_sql(
        "UPDATE measure_year SET result_text = ? WHERE measure_id = ? AND fy = 2023",
        ("bell\x07", m.id),
    )
    with pytest.raises(BadWorkbook, match="制御文字"):
        X.export_workbook(secretariat, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_refused_export_leaves_no_temporary_sheet_files(secretariat, tmp_path, monkeypatch):
    import gc
    import tempfile

    from kanazawa_desktop.workbook.errors import BadWorkbook

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # where openpyxl streams each sheet
    m = secretariat.measures()[5]
    secretariat.db.execute_sql(
        "UPDATE measure_year SET result_text = ? WHERE measure_id = ? AND fy = 2024",
        ("bell\x07", m.id),
    )
    with pytest.raises(BadWorkbook, match="制御文字"):
        X.export_workbook(secretariat, tmp_path / "x.xlsx")
    gc.collect()  # a sheet left open would complain here (an unraisable warning: an error)
    assert list(temp.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("desk.sqlite3")] == ["temp"]


def test_status_dropdown_value_and_numbers(secretariat, tmp_path):
    out = X.export_workbook(secretariat, tmp_path / "d.xlsx", "デジタル行政戦略課").path
    fill(
        out,
        {
            ("No.1", "R5", "status"): "達成",
            ("No.1", "R5", "actual"): 72,
            ("No.1", "R6", "actual"): "1,800",
        },
    )
    [pv] = X.preview_import(secretariat, [out])
    assert not pv.refused
    got = {pv.describe(c): c.file for c in pv.changes}
    assert got == {
        "No.1 R5 計画達成状況": "achieved",
        "No.1 R5 実績値": 72.0,
        "No.1 R6 実績値": 1800.0,
    }
    assert all(c.decision == Decision.APPLY for c in pv.changes)


@pytest.mark.parametrize("value", [0.1 + 0.2, 123456789012345.67, 1e-300, -0.0, 2.5, 70.0])
def test_numbers_need_17_digits_come_back_exactly(secretariat, tmp_path, value):
    """Numbers were written with 16 significant digits (openpyxl's "%.16g"): a 目標値 of
    0.1 + 0.2 stored before values were kept with 15 digits read back as 0.3, and every row
    of it was refused as a changed locked cell. An 実績値 is read through the value rule, so
    it comes back in its kept form (15 digits: tests/services/test_values.py)."""
    m = next(m for m in secretariat.measures() if m.key == "No.1")
    kept = float(f"{value:.15g}")
    db = secretariat.db  # stored as is, as an older version may have
    (definition,) = db.execute_sql("SELECT definition FROM indicator WHERE key = 'No.1'").fetchone()
    d = json.loads(definition)
    d["targets"][0]["value"] = value  # R5's
    db.execute_sql("UPDATE indicator SET definition = ? WHERE key = 'No.1'", (json.dumps(d),))
    db.execute_sql(
        "INSERT INTO indicator_value (indicator_id, fy, actual) "
        "SELECT id, 2023, ? FROM indicator WHERE key = 'No.1'",
        (kept,),
    )
    out = X.export_workbook(secretariat, tmp_path / "n.xlsx").path
    [pv] = X.preview_import(secretariat, [out])
    assert not pv.refused, (pv.error, pv.refusals[:1])
    assert pv.changes == []
    wb = openpyxl.load_workbook(out, read_only=True)
    try:
        rows = wb[ENTRY_SHEET_NAME].iter_rows(min_row=2, values_only=True)
        row = next(r for r in rows if r[0] == m.number_label and r[3] == "R5")
    finally:
        wb.close()
    assert (row[7], row[8]) == (value, kept)


def test_result_cells_are_text_formatted_for_typing(secretariat, tmp_path):
    out = X.export_workbook(secretariat, tmp_path / "j.xlsx", "人事課").path
    ws = openpyxl.load_workbook(out)["入力"]
    assert ws["F2"].number_format == "@" and ws["F2"].protection.locked is False


def test_cr_and_literal_escape_sequences_come_back_exactly(secretariat, tmp_path):
    """A CR (XML turns it into LF) and a literal `_x00ab_` (Excel and calamine read it as an
    escape) used to change on the way, refusing every later master workbook as edited."""
    from kanazawa_desktop.workbook import writer

    # overlapping: `_x005F_x0041_` escaped match by match read back as `_x005FA` (the manifest's
    # checksum then failed: the export could not be imported at all)
    tricky = [
        "file_x00ab_v2",
        "改行CR\r残り",
        "_x000D_そのまま",
        "a_X0041_b",
        "_x005F_x0041_",
        "_x0041_x0042_",
    ]
    assert [writer._escaped(t) for t in tricky][0] == "file_x005F_x00ab_v2"
    rows = [r for r in secretariat.measures() if not r.is_repeat][: len(tricky)]
    # stored as is, whatever came before the cleaning of typed text (plan texts are not typed)
    for m, text in zip(rows, tricky, strict=True):
        secretariat.db.execute_sql(
            "UPDATE measure_year SET plan_text = ? WHERE measure_id = ? AND fy = 2023", (text, m.id)
        )
    out = X.export_workbook(secretariat, tmp_path / "m.xlsx").path
    back = {r.values[0]: r.values[4] for r in read_returned(out).rows if r.values[3] == "R5"}
    for m, text in zip(rows, tricky, strict=True):
        assert back[m.number_label] == text
    [pv] = X.preview_import(secretariat, [out])
    assert not pv.refused, pv.refusals[:1]


def test_text_at_the_cell_limit_with_escapes_comes_back(secretariat, tmp_path):
    """A 32,767-character 実施結果 holding `_x0041_` (written `_x005F_x0041_`) was exported,
    then the import refused the whole file as over the limit: the check counted the escapes."""
    m = next(m for m in secretariat.measures() if "人事課" in m.departments)
    text = ("_x0041_" * 4681)[:32767]
    secretariat.save(m.id, {(2024, "result_text"): text})
    out = X.export_workbook(secretariat, tmp_path / "l.xlsx", "人事課").path
    [pv] = X.preview_import(secretariat, [out])
    assert not pv.refused, (pv.error, pv.refusals[:1])
    assert pv.changes == []


def test_text_xml_cannot_carry_is_cleaned_on_save_and_refused_on_export(secretariat, tmp_path):
    """U+FFFE, U+FFFF and lone surrogates are not XML characters: typed, they are dropped like
    the controls (a lone surrogate was a UnicodeEncodeError from sqlite3); already stored, the
    export refuses them by name instead of writing a workbook no client opens."""
    from kanazawa_desktop.workbook.errors import BadWorkbook

    m = next(m for m in secretariat.measures() if m.number == 10)
    secretariat.save(m.id, {(2023, "result_text"): "a\ufffeb\uffffc\ud800d"})
    assert secretariat.measure(m.id).year(2023).result_text == "abcd"
    secretariat.db.execute_sql("UPDATE measure SET summary = ? WHERE id = ?", ("概要\ufffe", m.id))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BadWorkbook) as err:
        X.export_workbook(secretariat, out / "m.xlsx")
    assert err.value.kind == "illegal_char" and "No.10 概要" in err.value.message
    assert not list(out.iterdir())


@pytest.mark.parametrize("blank", ["  ", "\n\n", " \t\n"])
def test_text_of_only_spaces_or_line_breaks_comes_back(secretariat, tmp_path, blank):
    """Written without xml:space="preserve" (openpyxl's rule marks only text with content),
    calamine read it as empty: a 実施計画 of line breaks refused the row as a changed locked
    cell."""
    m = next(m for m in secretariat.measures() if "人事課" in m.departments)
    secretariat.save(m.id, {(2023, "plan_text"): blank, (2024, "result_text"): blank})
    out = X.export_workbook(secretariat, tmp_path / "b.xlsx", "人事課").path
    [pv] = X.preview_import(secretariat, [out])
    assert not pv.refused, (pv.error, pv.refusals[:1])
    assert pv.changes == []
    back = {(r.values[0], r.values[3]): r.values for r in read_returned(out).rows}
    assert back[(m.number_label, "R5")][4] == back[(m.number_label, "R6")][5] == blank


def test_typed_line_breaks_and_controls_are_cleaned(secretariat):
    m = next(m for m in secretariat.measures() if m.number == 10)
    secretariat.save(m.id, {(2023, "result_text"): "一行目\r\n二行目\r三行目\x0b四行目\x07"})
    assert secretariat.measure(m.id).year(2023).result_text == "一行目\n二行目\n三行目\n四行目"


def test_a_city_scale_list_carries_no_measure_sheets_and_still_merges(
    secretariat, tmp_path, monkeypatch
):
    """Past MAX_MEASURE_SHEETS measures a workbook holds no 取組管理票 sheets (LibreOffice cannot
    open 20,000 of them); a department's part under the limit keeps its own; both still merge."""
    import openpyxl
    from exchange_helpers import fill

    from kanazawa_desktop.services import exchange as X
    from kanazawa_desktop.workbook import writer

    monkeypatch.setattr(writer, "MAX_MEASURE_SHEETS", 10)
    master = X.export_workbook(secretariat, tmp_path / "master.xlsx").path
    part = X.export_workbook(secretariat, tmp_path / "jinji.xlsx", "人事課").path
    names = openpyxl.load_workbook(master, read_only=True).sheetnames
    assert names == ["取組事項一覧", "入力", "指標", "_manifest", "記入のしかた"]
    assert "No.10" in openpyxl.load_workbook(part, read_only=True).sheetnames
    fill(master, {("No.10", "R5", "result"): "一覧表から"})
    [pv] = X.preview_import(secretariat, [master])
    assert [pv.describe(c) for c in pv.changes] == ["No.10 R5 実施結果"]


def test_long_texts_on_a_measure_sheet_are_cut_with_a_note_and_whole_in_input(
    secretariat, tmp_path
):
    """A No.x sheet is read-only and its rows stop at Excel's 409 pt: a 3,000-character text
    showed its first lines and hid the rest without a word. It is cut where the row ends,
    with a note saying where the whole text is; 入力 keeps the whole text."""
    m = next(m for m in secretariat.measures() if "人事課" in m.departments and not m.is_repeat)
    result = "".join(f"{i:04d}番目の文を書きます。" for i in range(250))  # 3,000 characters
    summary = "概要の文章です。" * 500  # 4,000 characters
    secretariat.save(m.id, {(2024, "result_text"): result, (None, "summary"): summary})
    out = X.export_workbook(secretariat, tmp_path / "long.xlsx", "人事課").path
    wb = openpyxl.load_workbook(out)
    ws = wb[m.number_label]
    cells = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    cut_result = next(v for v in cells if v.startswith("0000番目"))
    cut_summary = next(v for v in cells if v.startswith("概要の文章です。"))
    assert cut_result.endswith("…（以下省略。全文は「入力」シートにあります）")
    assert cut_summary.endswith("…（以下省略。全文は取組管理票のPDFにあります）")
    for cut, full in ((cut_result, result), (cut_summary, summary)):
        assert 100 < len(cut) < len(full) and full.startswith(cut.split("…（以下省略")[0])
    entry = wb["入力"]
    assert result in {c.value for row in entry.iter_rows() for c in row}
    # a text that fits is written as it is
    short = next(v for v in cells if v == m.display_name or v.startswith(m.number_label))
    assert "以下省略" not in short
