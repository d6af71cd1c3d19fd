"""The 指標 sheet of the shared workbook (issue 10): one row per indicator and fiscal year,
entered, read back, merged, undone — and one entry cell per value."""

from __future__ import annotations

import shutil
from dataclasses import replace

import openpyxl
import pytest
from exchange_helpers import (
    entry_rows,
    fill,
    fill_indicators,
    indicator_rows,
    libreoffice_resave,
    read_manifest,
    synced_pcs,
)

from kanazawa_desktop.domain.merge import Decision
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.workbook.indicator_sheet import unit_format
from kanazawa_desktop.workbook.layout import INDICATOR_HEADERS
from kanazawa_desktop.workbook.number_formats import is_percent_format

FIVE = {"No.86-1": 8.1, "No.86-2": 0, "No.86-3": 47.5, "No.86-4": 91.3, "No.86-5": 0}
FIELDS = {
    "No.86-1": "actual",
    "No.86-2": "actual:No.86-2",
    "No.86-3": "actual:No.86-3",
    "No.86-4": "actual:No.86-4",
    "No.86-5": "actual:No.86-5",
}


def no86(desk):
    return next(m for m in desk.measures() if m.number == 86)


def zaisei(desk, tmp_path, name="zaisei.xlsx"):
    return X.export_workbook(desk, tmp_path / name, "財政課").path


def _five(year="R5"):
    edits = {(key, year, "actual"): v for key, v in FIVE.items()}
    edits[("No.86-4", year, "figure")] = 93.0
    return edits


def _changes(pv):
    return {(c.fy, c.field): c.file for c in pv.changes}


def test_the_sheet_shows_every_indicator_and_year_with_its_unit(secretariat, tmp_path):
    path = zaisei(secretariat, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["指標"]
    assert [c.value for c in ws[1]] == list(INDICATOR_HEADERS)
    rows = indicator_rows(path)
    assert len(rows) == 5 * 4  # No.86's five indicators, R5..R8 (No.59 and No.88 have none)
    r = ws[rows[("No.86-1", "R5")]]
    assert [c.value for c in r[:9]] == [
        "No.86-1",
        "実質公債費比率",
        "%",
        None,  # no baseline stated
        None,
        "R5",
        "10%未満",
        None,
        "未入力",
    ]
    assert r[7].number_format == '0.0#"%"' and not r[7].protection.locked
    assert r[9].protection.locked  # no outside figure for this one
    figure = ws[rows[("No.86-4", "R5")]]
    assert figure[6].value == "中核市平均以下"
    assert not figure[9].protection.locked and figure[9].number_format == '0.0#"%"'
    assert ws.protection.sheet
    prompts = {
        dv.promptTitle: dv.prompt
        for dv in ws.data_validations.dataValidation
        if dv.showInputMessage
    }
    assert "「%」" in prompts["実績値"] and "「%」" in prompts["中核市平均"]
    # one entry cell per value: 入力's 実績値 of No.86 is locked and empty
    entry = wb["入力"]
    row = entry[entry_rows(path)[("No.86", "R5")]]
    assert row[7].value == "指標シートに入力" and row[8].value is None
    assert row[8].protection.locked
    wb.close()


def test_a_single_indicator_keeps_its_entry_cell_in_the_entry_sheet(secretariat, tmp_path):
    m = next(m for m in secretariat.measures() if m.number == 9)
    secretariat.save(m.id, {(2023, "actual"): 97.5})
    path = X.export_workbook(secretariat, tmp_path / "bunsho.xlsx", "文書法制課").path
    wb = openpyxl.load_workbook(path)
    ws = wb["指標"]
    r = ws[indicator_rows(path)[("No.9", "R5")]]
    assert r[7].value == 97.5 and r[7].protection.locked and r[8].value == "未達成"
    entry = wb["入力"]
    row = entry[entry_rows(path)[("No.9", "R5")]]
    assert row[8].value == 97.5 and not row[8].protection.locked
    wb.close()
    # the locked 実績値 in 指標 edited: refused like a locked cell of 入力
    fill_indicators(path, {("No.9", "R5", "actual"): 99.0})
    [pv] = X.preview_import(secretariat, [path])
    assert pv.refused and "指標 " in pv.refusals[0].message
    assert "変更できないセル" in pv.refusals[0].message


def test_no86s_five_actuals_and_the_outside_figure_round_trip(secretariat, tmp_path):
    path = fill_indicators(zaisei(secretariat, tmp_path), _five())
    [pv] = X.preview_import(secretariat, [path])
    assert not pv.refused, (pv.error, pv.refusals)
    want = {(2023, f): float(FIVE[k]) for k, f in FIELDS.items()}
    want[(2023, "figure:No.86-4")] = 93.0
    assert _changes(pv) == want
    assert "No.86 R5 実績値（No.86-2）" in [pv.describe(c) for c in pv.changes]
    X.apply_import(secretariat, pv)
    m = no86(secretariat)
    assert m.year(2023).actual == 8.1
    assert m.actuals["No.86-3"][2023] == 47.5 and m.figures["No.86-4"][2023] == 93.0
    # the next workbook shows them, and the verdict
    again = zaisei(secretariat, tmp_path, "again.xlsx")
    wb = openpyxl.load_workbook(again, read_only=True)
    rows = {r[0] + r[5]: r for r in wb["指標"].iter_rows(min_row=2, values_only=True)}
    wb.close()
    assert rows["No.86-4R5"][7] == 91.3 and rows["No.86-4R5"][9] == 93
    assert rows["No.86-4R5"][8] == "達成" and rows["No.86-1R5"][8] == "達成"


def test_the_first_indicators_actual_typed_in_the_entry_sheet_is_refused(secretariat, tmp_path):
    path = fill(zaisei(secretariat, tmp_path), {("No.86", "R5", "actual"): 8.1})
    [pv] = X.preview_import(secretariat, [path])
    assert pv.refused
    assert "「指標」シートに入力します" in pv.refusals[0].message


def test_a_percent_cell_in_the_indicator_sheet_reads_as_its_percent_value(secretariat, tmp_path):
    path = fill_indicators(
        zaisei(secretariat, tmp_path), {("No.86-3", "R5", "actual"): 0.9845}, "0.00%"
    )
    [pv] = X.preview_import(secretariat, [path])
    assert not pv.refused, pv.refusals
    assert _changes(pv) == {(2023, "actual:No.86-3"): 98.45}


def test_a_value_100_times_off_its_year_target_waits_for_a_decision(secretariat, tmp_path):
    """No.86-3 (将来負担比率) is 100%未満: 0.98 typed for 98 % is flagged, not stored."""
    path = fill_indicators(zaisei(secretariat, tmp_path), {("No.86-3", "R5", "actual"): 0.98})
    [pv] = X.preview_import(secretariat, [path])
    assert [(c.field, c.decision) for c in pv.conflicts] == [("actual:No.86-3", Decision.SCALE)]
    assert not pv.changes


def test_a_value_with_its_unit_and_full_width_digits(secretariat, tmp_path):
    """「72件」 where the unit is 件 (a second indicator added to No.1), full width too; another
    unit is refused naming the cell."""
    m = next(m for m in secretariat.measures() if m.number == 1)
    extra = {
        "key": "No.1-2",
        "name": "相談件数",
        "unit": "件",
        "better": "more",
        "targets": [{"kind": "year", "year": 2023, "value": 80}],
    }
    from kanazawa_desktop.domain.values import field_value

    secretariat.save(m.id, {(None, "indicators"): field_value(m, "indicators") + [extra]})
    path = X.export_workbook(secretariat, tmp_path / "digital.xlsx", "デジタル行政戦略課").path
    wb = openpyxl.load_workbook(path, read_only=True)
    fmt = {
        r[0].value: r[7].number_format
        for r in wb["指標"].iter_rows(min_row=2)
        if r[5].value == "R5"
    }
    wb.close()
    assert fmt["No.1-2"] == '#,##0"件"'
    fill_indicators(path, {("No.1-2", "R5", "actual"): "72件", ("No.1", "R5", "actual"): "６８"})
    [pv] = X.preview_import(secretariat, [path])
    assert not pv.refused, pv.refusals
    assert _changes(pv) == {(2023, "actual:No.1-2"): 72.0, (2023, "actual"): 68.0}
    fill_indicators(path, {("No.1-2", "R5", "actual"): "72人"})
    [pv] = X.preview_import(secretariat, [path])  # another unit: that value's open item
    assert not pv.refused and _changes(pv) == {(2023, "actual"): 68.0}
    [item] = pv.open_items
    assert item.message.startswith("指標!H") and "単位「人」" in item.message
    assert item.field == "actual:No.1-2" and item.written == "72人"


@pytest.mark.parametrize(
    "unit, code",
    [
        ("%", '0.0#"%"'),
        ("件", '#,##0"件"'),
        ("", "#,##0"),
        ('a"b', '#,##0"a"\\""b"'),
        ("[Red];0%", '#,##0"[Red];0%"'),
        ("x" * 300, "#,##0"),
    ],
)
def test_the_number_format_shows_any_unit_as_literal_text(unit, code):
    assert unit_format(unit) == code
    assert not is_percent_format(code)  # never read back as a percentage


def test_an_odd_unit_survives_the_workbook(secretariat, tmp_path):
    m = no86(secretariat)
    from kanazawa_desktop.domain.values import field_value

    defs = field_value(m, "indicators")
    defs[1] = dict(defs[1], unit='円"/;[Red]%')
    secretariat.save(m.id, {(None, "indicators"): defs})
    path = fill_indicators(zaisei(secretariat, tmp_path), {("No.86-2", "R5", "actual"): 12.5})
    wb = openpyxl.load_workbook(path, read_only=True)
    cell = next(r for r in wb["指標"].iter_rows(min_row=2) if r[0].value == "No.86-2")[7]
    wb.close()
    assert cell.number_format == '#,##0"円"\\""/;[Red]%"'
    [pv] = X.preview_import(secretariat, [path])
    assert not pv.refused, pv.refusals
    assert _changes(pv) == {(2023, "actual:No.86-2"): 12.5}


def test_a_conflict_on_an_indicator_actual(secretariat, tmp_path):
    path = fill_indicators(zaisei(secretariat, tmp_path), {("No.86-2", "R5", "actual"): 1.5})
    secretariat.save(no86(secretariat).id, {(2023, "actual:No.86-2"): 0.0})
    [pv] = X.preview_import(secretariat, [path])
    assert [(c.field, c.master, c.file, c.decision) for c in pv.conflicts] == [
        ("actual:No.86-2", 0.0, 1.5, Decision.CONFLICT)
    ]
    result = X.apply_import(secretariat, pv)
    assert no86(secretariat).actuals["No.86-2"][2023] == 0.0
    [status] = [s for s in X.collection_status(secretariat) if s.department == "財政課"]
    assert status.state == "競合あり"
    assert status.open_conflicts[0].what == "No.86 R5 実績値（No.86-2）"
    assert result.open_conflicts


def test_a_cleared_indicator_actual_is_a_blank_conflict(secretariat, tmp_path):
    secretariat.save(no86(secretariat).id, {(2023, "actual:No.86-5"): 0.0})
    path = fill_indicators(zaisei(secretariat, tmp_path), {("No.86-5", "R5", "actual"): None})
    [pv] = X.preview_import(secretariat, [path])
    assert [(c.field, c.decision) for c in pv.conflicts] == [("actual:No.86-5", Decision.BLANK)]


def test_an_import_of_indicator_values_is_undone_as_a_whole(secretariat, tmp_path):
    path = fill_indicators(zaisei(secretariat, tmp_path), _five())
    [pv] = X.preview_import(secretariat, [path])
    result = X.apply_import(secretariat, pv)
    X.undo_import(secretariat, result.batch_id)
    m = no86(secretariat)
    assert m.year(2023).actual is None
    assert not any(m.actuals.get(k, {}).get(2023) is not None for k in FIVE)
    assert m.figures.get("No.86-4", {}).get(2023) is None
    [pv] = X.preview_import(secretariat, [path])  # may be imported again
    assert not pv.refused and pv.already is None and len(pv.changes) == 6


@pytest.mark.parametrize("what", ["name", "target", "verdict"])
def test_a_locked_cell_of_the_indicator_sheet_changed_is_refused(secretariat, tmp_path, what):
    path = fill_indicators(zaisei(secretariat, tmp_path), {("No.86-2", "R6", what): "達成"})
    [pv] = X.preview_import(secretariat, [path])
    assert pv.refused and "変更できないセル" in pv.refusals[0].message


def test_a_row_added_or_removed_in_the_indicator_sheet_is_refused(secretariat, tmp_path):
    path = zaisei(secretariat, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["指標"]
    ws.protection.sheet = False
    row = indicator_rows(path)[("No.86-5", "R8")]
    ws.cell(row, 1).value = "No.86-9"
    wb.save(path)
    [pv] = X.preview_import(secretariat, [path])
    text = " ".join(r.message for r in pv.refusals)
    assert "番号・年度（No.86-9 R8）が配布時の行と一致しません" in text
    assert "No.86-5 R8 の行が削除されています" in text


def test_a_tampered_header_or_a_missing_sheet_refuses_the_file(secretariat, tmp_path):
    path = zaisei(secretariat, tmp_path)
    headers = tmp_path / "headers.xlsx"
    shutil.copy(path, headers)
    wb = openpyxl.load_workbook(headers)
    wb["指標"]["H1"] = "実績"
    wb.save(headers)
    missing = tmp_path / "missing.xlsx"
    shutil.copy(path, missing)
    wb = openpyxl.load_workbook(missing)
    del wb["指標"]
    wb.save(missing)
    pv_headers, pv_missing = X.preview_import(secretariat, [headers, missing])
    assert pv_headers.error_kind == "template" and "「指標」シートの見出し" in pv_headers.error
    assert pv_missing.error_kind == "template" and "「指標」シートがありません" in pv_missing.error


def test_a_formula_in_the_indicator_sheet(secretariat, tmp_path):
    """In an input cell (実績値): that cell's open item; in a locked one: the file refused."""
    path = zaisei(secretariat, tmp_path)
    row = indicator_rows(path)[("No.86-2", "R5")]
    wb = openpyxl.load_workbook(path)
    wb["指標"][f"H{row}"] = "=1+1"
    wb.save(path)
    [pv] = X.preview_import(secretariat, [path])
    assert not pv.refused, pv.refusals
    [item] = pv.open_items
    assert item.message.startswith(f"指標!H{row}") and "数式" in item.message
    wb = openpyxl.load_workbook(path)
    wb["指標"][f"B{row}"] = "=1+1"
    wb.save(path)
    [pv] = X.preview_import(secretariat, [path])
    assert pv.refused and pv.refusals[0].message.startswith(f"指標!B{row}")


def test_a_format_4_workbook_without_the_sheet_still_imports(secretariat, tmp_path, monkeypatch):
    """A workbook issued before format 5 (no 指標, one 実績値 per row) is read as before."""
    from kanazawa_desktop.services.exchange import export

    build = export.build_content

    def v4(desk, scope, department):
        content = build(desk, scope, department)
        return replace(content, manifest=replace(content.manifest, version=4))

    monkeypatch.setattr(export, "build_content", v4)
    path = X.export_workbook(secretariat, tmp_path / "bunsho.xlsx", "文書法制課").path
    monkeypatch.undo()
    assert read_manifest(path).version == 4
    wb = openpyxl.load_workbook(path, read_only=True)
    assert "指標" not in wb.sheetnames
    wb.close()
    fill(path, {("No.9", "R5", "actual"): 97.5})
    [pv] = X.preview_import(secretariat, [path])
    assert not pv.refused, (pv.error, pv.refusals)
    assert _changes(pv) == {(2023, "actual"): 97.5}


def test_a_forged_series_base_is_a_damaged_manifest(secretariat, tmp_path):
    import json

    from exchange_helpers import forge_manifest

    path = zaisei(secretariat, tmp_path)

    def edit(rows):
        for r in rows:
            if r[0] == no86(secretariat).key:
                series = json.loads(r[10])
                series["actual:No.99-1"] = 1.0  # not one of the row's indicators
                r[10] = json.dumps(series)

    forge_manifest(path, rows_edit=edit)
    [pv] = X.preview_import(secretariat, [path])
    assert pv.error_kind == "tampered" and "管理情報が壊れています" in pv.error


def test_a_department_pc_receives_and_returns_indicator_values(tmp_path):
    """Sync carries the series fields like 実績値; the return is merged against them."""
    master_db, dept_db = synced_pcs(tmp_path, "財政課")
    with Desk.open(master_db) as sec:
        sec.save(no86(sec).id, {(2023, "actual:No.86-2"): 0.0, (2023, "figure:No.86-4"): 93.0})
        master = X.export_workbook(sec, tmp_path / "m2.xlsx").path
    with Desk.open(dept_db) as dept:
        [pv] = X.preview_import(dept, [master])
        assert not pv.refused, (pv.error, pv.refusals)
        X.apply_import(dept, pv)
        m = no86(dept)
        assert m.actuals["No.86-2"][2023] == 0.0 and m.figures["No.86-4"][2023] == 93.0
        dept.save(m.id, {(2023, "actual:No.86-4"): 91.3})
        back = X.export_workbook(dept, tmp_path / "back.xlsx").path
    fill_indicators(back, {("No.86-3", "R5", "actual"): 47.5})
    with Desk.open(master_db) as sec:
        [pv] = X.preview_import(sec, [back])
        assert not pv.refused, (pv.error, pv.refusals)
        assert _changes(pv) == {(2023, "actual:No.86-4"): 91.3, (2023, "actual:No.86-3"): 47.5}
        assert not pv.conflicts


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_indicator_sheet_survives_a_libreoffice_resave(secretariat, tmp_path):
    path = fill_indicators(zaisei(secretariat, tmp_path), _five())
    resaved = libreoffice_resave(path, tmp_path)
    [pv] = X.preview_import(secretariat, [resaved])
    assert not pv.refused, (pv.error, pv.refusals)
    want = {(2023, f): float(FIVE[k]) for k, f in FIELDS.items()}
    want[(2023, "figure:No.86-4")] = 93.0
    assert _changes(pv) == want
    X.apply_import(secretariat, pv)
    assert no86(secretariat).actuals["No.86-3"][2023] == 47.5
