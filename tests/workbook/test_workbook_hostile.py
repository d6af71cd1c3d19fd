"""Bad and hostile files: one clear Japanese message each, data unchanged, bounded time and memory."""

from __future__ import annotations

import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from exchange_helpers import fill, put_formula, rewrite_part

from kanazawa_desktop.domain.errors import DeskError
from kanazawa_desktop.services import exchange as X


def snapshot(desk):
    return [
        (m.key, sorted((fy, y.result_text, y.status.value, y.actual) for fy, y in m.years.items()))
        for m in desk.measures()
    ]


@pytest.fixture
def issued(secretariat, tmp_path):
    return X.export_workbook(secretariat, tmp_path / "jinji.xlsx", "人事課").path


def _zip_bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b"\0" * (1024 * 1024)
            for _ in range(200):  # 200 MB of zeros, about 200 KB compressed
                fh.write(block)


CASES = {
    "not_workbook": (
        lambda p, _: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        "Excel ブック",
    ),
    "empty": (lambda p, _: p.write_bytes(b""), "空です"),
    "truncated": (lambda p, issued: p.write_bytes(issued.read_bytes()[:5000]), "壊れている"),
    "encrypted": (
        lambda p, _: p.write_bytes(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\0" * 500
            + "EncryptedPackage".encode("utf-16-le")
            + b"\0" * 500
        ),
        "パスワード",
    ),
    "xls": (lambda p, _: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000), ".xls"),
    "text": (lambda p, _: p.write_text("取組No.,実施結果\nNo.7,済み\n", encoding="cp932"), "CSV"),
    "template": (lambda p, _: openpyxl.Workbook().save(p), "別の様式"),
    "zip_bomb": (lambda p, _: _zip_bomb(p), "圧縮爆弾"),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_bad_file_refused_with_one_message(secretariat, issued, tmp_path, kind):
    make, words = CASES[kind]
    bad = tmp_path / f"{kind}.xlsx"
    make(bad, issued)
    before = snapshot(secretariat)
    tracemalloc.start()
    t = time.perf_counter()
    [pv] = X.preview_import(secretariat, [bad])
    elapsed = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert pv.refused and pv.error and words in pv.error, pv.error
    assert pv.error.startswith(bad.name) and "\n" not in pv.error
    assert elapsed < 5 and peak < 80 * 1024 * 1024
    with pytest.raises(DeskError, match=words.replace(".", r"\.")):
        X.apply_import(secretariat, pv)
    assert snapshot(secretariat) == before


def test_billion_laughs_refused(secretariat, issued):
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
            for i in range(1, 10)
        )
        + b"]>"
    )
    rewrite_part(issued, "xl/worksheets/sheet2.xml", lambda b: lol + b.split(b"?>", 1)[-1])
    [pv] = X.preview_import(secretariat, [issued])
    assert pv.error_kind == "xml_bomb" and "DTD" in pv.error


def test_lying_sizes_caught_while_inflating(secretariat, tmp_path):
    from kanazawa_desktop.workbook import safety

    bad = tmp_path / "lie.xlsx"
    _zip_bomb(bad)
    old = safety.MAX_RATIO
    # pretend the header checks passed (as with forged sizes): the streaming cap still stops it
    safety.MAX_RATIO = 10**9
    try:
        with pytest.raises(safety.BadWorkbook) as err:
            safety.inspect(bad)
    finally:
        safety.MAX_RATIO = old
    assert err.value.kind == "zip_bomb"


@pytest.mark.parametrize(
    "edit, words",
    [
        ({("No.7", "R5", "plan"): "書き換えた計画"}, "変更できないセル"),
        ({("No.7", "R5", "name"): "別の名前"}, "変更できないセル"),
        ({("No.7", "R5", "number"): "No.1"}, "一致しません"),
        ({("No.7", "R6", "year"): "R5"}, "重複"),
    ],
)
def test_row_level_refusals(secretariat, issued, edit, words):
    fill(issued, {**edit, ("No.10", "R5", "result"): "正しい入力"})
    before = snapshot(secretariat)
    [pv] = X.preview_import(secretariat, [issued])
    assert pv.refused and any(words in r.message for r in pv.refusals), pv.refusals
    assert not pv.changes  # one refusal: nothing from the file
    with pytest.raises(DeskError, match="取り込めません"):
        X.apply_import(secretariat, pv)
    assert snapshot(secretariat) == before


def test_duplicated_and_removed_rows(secretariat, issued):
    wb = openpyxl.load_workbook(issued)
    ws = wb["入力"]
    for c in range(1, 10):
        ws.cell(ws.max_row + 1 if c == 1 else ws.max_row, c).value = ws.cell(2, c).value
    ws.delete_rows(3)
    wb.save(issued)
    [pv] = X.preview_import(secretariat, [issued])
    messages = " ".join(r.message for r in pv.refusals)
    assert "重複" in messages and "削除" in messages


def test_a_bad_status_is_an_open_item_not_a_refusal(secretariat, issued):
    fill(issued, {("No.7", "R5", "status"): "たぶん達成", ("No.10", "R5", "result"): "正しい入力"})
    [pv] = X.preview_import(secretariat, [issued])
    assert not pv.refused and [pv.describe(c) for c in pv.changes] == ["No.10 R5 実施結果"]
    [item] = pv.open_items
    assert item.written == "たぶん達成" and "選択肢" in item.message


def test_formula_in_input_cell_is_an_open_item(secretariat, issued):
    # its cached result is not trusted: the cell is left as the master has it
    put_formula(issued, "F2", "=1+1")
    [pv] = X.preview_import(secretariat, [issued])
    assert not pv.refused and not pv.changes
    [item] = pv.open_items
    assert "数式" in item.message and "F2" in item.message


def test_formula_outside_the_input_cells_refused(secretariat, issued):
    put_formula(issued, "B2", "=1+1")
    [pv] = X.preview_import(secretariat, [issued])
    assert pv.refused and "数式" in pv.refusals[0].message and "B2" in pv.refusals[0].message


def test_tampered_manifest_refused(secretariat, issued):
    wb = openpyxl.load_workbook(issued)
    ws = wb["_manifest"]
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and '"No.7","2023"' in cell.value:
                cell.value = cell.value.replace('"No.7","2023"', '"No.1","2023"', 1)
                cell.data_type = "s"
    wb.save(issued)
    [pv] = X.preview_import(secretariat, [issued])
    assert pv.error_kind == "tampered" and "改ざん" in pv.error


def test_locked_input_cell_of_a_retired_measure_refused(secretariat, tmp_path):
    m = next(m for m in secretariat.measures() if m.number == 1)
    secretariat.save(m.id, {(None, "retired"): True})
    out = X.export_workbook(secretariat, tmp_path / "m2.xlsx").path
    fill(out, {("No.1", "R5", "result"): "廃止後の入力"})
    [pv] = X.preview_import(secretariat, [out])
    assert pv.refused and "入力できません" in pv.refusals[0].message


def test_another_plan_refused(secretariat, tmp_path):
    from dataclasses import replace

    from kanazawa_desktop.services.exchange.export import build_content
    from kanazawa_desktop.workbook.writer import write_workbook

    content = build_content(secretariat, "department", "人事課")
    content = replace(content, manifest=replace(content.manifest, plan_code="sogo_senryaku"))
    out = tmp_path / "other_plan.xlsx"
    write_workbook(content, out)
    [pv] = X.preview_import(secretariat, [out])
    assert pv.error_kind == "foreign" and "別の計画" in pv.error


def test_another_database_refused(secretariat, issued, tmp_path):
    from kanazawa_desktop.services.desk import Desk

    secretariat.close()
    with Desk.open(tmp_path / "other.sqlite3") as other:
        other.set_role(secretariat=True)
        [pv] = X.preview_import(other, [issued])
        assert pv.error_kind == "foreign" and "別のデータベース" in pv.error


def test_scope_changed_in_manifest_refused(secretariat, issued):
    wb = openpyxl.load_workbook(issued)
    ws = wb["_manifest"]
    for row in ws.iter_rows():
        if row[0].value == "department":
            row[1].value = "デジタル行政戦略課"
    wb.save(issued)
    [pv] = X.preview_import(secretariat, [issued])
    assert pv.error_kind == "tampered"


def test_headers_moved_refused_as_another_template(secretariat, issued):
    wb = openpyxl.load_workbook(issued)
    wb["入力"].insert_cols(2)
    wb.save(issued)
    [pv] = X.preview_import(secretariat, [issued])
    assert pv.error_kind == "template" and "見出し" in pv.error


def test_text_right_of_the_table_refused(secretariat, issued):
    wb = openpyxl.load_workbook(issued)
    wb["入力"]["K3"] = "メモ"
    wb.save(issued)
    [pv] = X.preview_import(secretariat, [issued])
    assert pv.refused and "右側" in pv.refusals[0].message


def test_missing_file_and_folder_refused(secretariat, tmp_path):
    previews = X.preview_import(secretariat, [tmp_path / "nope.xlsx", tmp_path])
    assert "見つかりません" in previews[0].error and "フォルダー" in previews[1].error
