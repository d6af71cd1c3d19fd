"""Where a returned workbook comes from and in which order: the register of issued manifests,
values validated whatever a manifest claims, fillings of one issued workbook, and workbooks
written within the same second."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES
from exchange_helpers import fill, forge, read_manifest, set_saved_at, synced_pcs

from kanazawa_desktop.domain.fiscal import short_label
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.workbook.layout import COL_YEAR
from kanazawa_desktop.workbook.manifest import locked_digest


def mid(desk, number):
    return next(m.id for m in desk.measures() if m.number == number)


def value(desk, number, field="result_text", fy=2023):
    y = desk.measure(mid(desk, number)).year(fy)
    return y.status.value if field == "status" else getattr(y, field)


def snapshot(desk):
    rows = [
        (m.key, sorted((fy, y.result_text, y.status.value, y.actual) for fy, y in m.years.items()))
        for m in desk.measures()
    ]
    batches = desk.db.execute_sql("SELECT COUNT(*) FROM change_batch").fetchone()[0]
    return rows, batches


@pytest.fixture
def issued(secretariat, tmp_path):
    return X.export_workbook(secretariat, tmp_path / "jinji.xlsx", "人事課").path


def _other_departments_measure(desk):
    return next(m for m in desk.measures() if "人事課" not in m.departments and not m.is_repeat)


# ---- the register: a manifest this database did not issue is refused --------------------------


def _claim_master(man):
    return replace(
        man,
        scope="master",
        department="",
        rows=tuple(replace(r, editable=frozenset({"result_text", "status"})) for r in man.rows),
    )


def _actual_on_a_measure_without_targets(desk):
    plain = next(
        m
        for m in desk.measures()
        if "人事課" in m.departments and not m.numeric and not m.is_repeat
    )

    def edit(man):
        return replace(
            man,
            rows=tuple(
                replace(r, editable=r.editable | {"actual"}) if r.measure_key == plain.key else r
                for r in man.rows
            ),
        )

    return edit, plain


@pytest.mark.parametrize("forgery", ["scope", "actual", "status_code"])
def test_a_return_with_a_recomputed_manifest_is_refused(secretariat, issued, forgery):
    if forgery == "scope":
        edit = _claim_master  # a department's file claiming to be the master list
    elif forgery == "actual":
        edit, _ = _actual_on_a_measure_without_targets(secretariat)
    else:

        def edit(man):
            return replace(man, rows=(replace(man.rows[0], status="achieved"),) + man.rows[1:])

    forge(issued, edit)
    fill(issued, {("No.7", "R5", "result"): "書き換えたブックから"})
    before = snapshot(secretariat)
    [pv] = X.preview_import(secretariat, [issued])
    assert pv.refused and pv.error_kind == "tampered", pv.error
    assert "改ざん" in pv.error and pv.error.startswith(issued.name)
    assert snapshot(secretariat) == before


def test_the_issued_workbook_itself_is_accepted_and_registered(secretariat, issued):
    man = read_manifest(issued)
    assert man.sequence is not None and man.version == 5
    fill(issued, {("No.7", "R5", "result"): "本物"})
    [pv] = X.preview_import(secretariat, [issued])
    assert not pv.refused and [pv.describe(c) for c in pv.changes] == ["No.7 R5 実施結果"]


def test_a_master_workbook_claimed_by_an_edited_department_file_cannot_write_other_measures(
    secretariat, issued
):
    other = _other_departments_measure(secretariat)
    forge(issued, _claim_master)
    [pv] = X.preview_import(secretariat, [issued])
    assert pv.error_kind == "tampered"
    assert value(secretariat, other.number) == ""


# ---- values are validated whatever the manifest says (a department PC's return) ----------------


def _dept_return(tmp_path):
    master_db, dept_db = synced_pcs(tmp_path)
    with Desk.open(dept_db) as dept:
        ret = X.export_workbook(dept, tmp_path / "ret.xlsx").path
    return master_db, ret


def test_a_department_pc_return_cannot_put_an_actual_on_a_measure_without_targets(tmp_path):
    master_db, ret = _dept_return(tmp_path)
    with Desk.open(master_db) as sec:
        edit, plain = _actual_on_a_measure_without_targets(sec)
    forge(ret, edit)
    fill(ret, {(plain.number_label, "R5", "actual"): 120})
    with Desk.open(master_db) as sec:
        before = snapshot(sec)
        [pv] = X.preview_import(sec, [ret])
        assert pv.refused and any("数値目標のない取組には実績値" in r.message for r in pv.refusals)
        assert snapshot(sec) == before


def _row2_locked_cells(path):
    """(name, departments, plan text, target) of 入力's first row as issued."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        cells = next(wb["入力"].iter_rows(min_row=2, max_row=2, values_only=True))
    finally:
        wb.close()
    return (
        cells[1] or "",
        cells[2] or "",
        cells[4] or "",
        None if cells[7] is None else float(cells[7]),
    )


def test_a_department_pc_return_cannot_write_a_year_outside_the_plan(tmp_path):
    master_db, ret = _dept_return(tmp_path)
    first = read_manifest(ret).rows[0]  # 入力's row 2
    name, departments, plan, target = _row2_locked_cells(ret)
    digest = locked_digest(first.label, name, departments, short_label(2099), plan, target)

    def entry(ws):
        ws.cell(2, COL_YEAR + 1, short_label(2099)).data_type = "s"
        ws.cell(2, 6, "2099年の記入").data_type = "s"

    forge(
        ret,
        lambda m: replace(m, rows=(replace(first, fy=2099, locked=digest),) + m.rows[1:]),
        entry,
    )
    with Desk.open(master_db) as sec:
        before = snapshot(sec)
        [pv] = X.preview_import(sec, [ret])
        assert pv.refused and any("計画の期間" in r.message for r in pv.refusals), [
            r.message for r in pv.refusals
        ] + [pv.error or ""]
        assert snapshot(sec) == before


def test_a_department_pc_return_cannot_write_into_a_repeat_row(tmp_path):
    master_db, ret = _dept_return(tmp_path)
    with Desk.open(master_db) as sec:
        repeat = next(m for m in sec.measures() if m.is_repeat)
    # the 人事課 PC points one of its own rows at the 【再掲】 measure's key
    first = read_manifest(ret).rows[0]
    forge(ret, lambda m: replace(m, rows=(replace(first, measure_key=repeat.key),) + m.rows[1:]))
    fill(ret, {(first.label, short_label(first.fy), "result"): "再掲に書き込む"})
    with Desk.open(master_db) as sec:
        before = snapshot(sec)
        [pv] = X.preview_import(sec, [ret])
        assert pv.refused and any("【再掲】" in r.message for r in pv.refusals), pv.refusals
        assert snapshot(sec) == before


# ---- fillings of one issued workbook -------------------------------------------------------------


def _two_fillings(issued, tmp_path):
    first = fill(
        issued,
        {("No.10", "R5", "status"): "達成", ("No.10", "R5", "result"): "研修を実施"},
        tmp_path / "first.xlsx",
    )
    corrected = fill(
        issued,
        {("No.10", "R5", "status"): None, ("No.10", "R5", "result"): "研修を延期"},
        tmp_path / "corrected.xlsx",
    )
    set_saved_at(first, "2026-12-01T01:00:00Z")
    set_saved_at(corrected, "2026-12-02T01:00:00Z")
    return first, corrected


def test_a_corrected_filling_is_read_against_the_first(secretariat, issued, tmp_path):
    first, corrected = _two_fillings(issued, tmp_path)
    X.apply_import(secretariat, X.preview_import(secretariat, [first])[0])
    assert value(secretariat, 10, "status") == "achieved"
    [pv] = X.preview_import(secretariat, [corrected])
    assert not pv.refused
    # the rewritten text applies; the withdrawn 達成 (a blank cell) is a conflict, never dropped
    assert [pv.describe(c) for c in pv.changes] == ["No.10 R5 実施結果"]
    assert [(pv.describe(c), c.decision) for c in pv.conflicts] == [
        ("No.10 R5 計画達成状況", "blank")
    ]
    X.apply_import(secretariat, pv, {pv.conflicts[0].key: X.TAKE_FILE})
    assert value(secretariat, 10) == "研修を延期" and value(secretariat, 10, "status") == ""


def test_an_older_filling_after_the_newer_one_is_refused(secretariat, issued, tmp_path):
    first, corrected = _two_fillings(issued, tmp_path)
    X.apply_import(secretariat, X.preview_import(secretariat, [corrected])[0])
    assert value(secretariat, 10) == "研修を延期"
    [pv] = X.preview_import(secretariat, [first])
    assert pv.error_kind == "older" and "より新しい記入（corrected.xlsx" in pv.error, pv.error
    assert value(secretariat, 10) == "研修を延期" and value(secretariat, 10, "status") == ""


def test_fillings_saved_in_the_same_second_cannot_be_ordered(secretariat, issued, tmp_path):
    first, corrected = _two_fillings(issued, tmp_path)
    set_saved_at(corrected, "2026-12-01T01:00:00Z")
    r = X.apply_import(secretariat, X.preview_import(secretariat, [first])[0])
    [pv] = X.preview_import(secretariat, [corrected])
    assert (
        pv.error_kind == "older" and "判断できません" in pv.error and f"#{r.batch_id}" in pv.error
    )
    # undoing the first, as the message says, lets the other in
    X.undo_import(secretariat, r.batch_id)
    [pv] = X.preview_import(secretariat, [corrected])
    assert not pv.refused
    # the same filling re-saved (LibreOffice, Excel) is the same content: 取り込み済み, not a refusal
    X.apply_import(secretariat, pv)
    resaved = set_saved_at(
        shutil.copy(corrected, tmp_path / "resaved.xlsx"), "2026-12-05T01:00:00Z"
    )
    [again] = X.preview_import(secretariat, [Path(resaved)])
    assert not again.refused and again.already is not None


def test_two_workbooks_written_in_the_same_second_are_ordered(secretariat, tmp_path):
    monday = X.export_workbook(secretariat, tmp_path / "mon.xlsx", "人事課").path
    wednesday = X.export_workbook(secretariat, tmp_path / "wed.xlsx", "人事課").path
    m1, m2 = read_manifest(monday), read_manifest(wednesday)
    assert m1.sequence < m2.sequence
    fill(monday, {("No.10", "R5", "status"): "達成"})
    fill(wednesday, {("No.10", "R5", "status"): "未達成"})
    X.apply_import(secretariat, X.preview_import(secretariat, [wednesday])[0])
    [pv] = X.preview_import(secretariat, [monday])
    assert pv.error_kind == "older", pv.error
    assert value(secretariat, 10, "status") == "not_achieved"


# ---- workbooks issued before the register existed -----------------------------------------------


def _v3_database(tmp_path) -> Path:
    path = tmp_path / "v3.sqlite3"
    con = sqlite3.connect(path)
    con.executescript((FIXTURES / "schema_v3.sql").read_text(encoding="utf-8"))
    con.close()
    return path


def test_a_workbook_issued_before_the_register_still_comes_back(tmp_path):
    db = _v3_database(tmp_path)
    wb = Path(shutil.copy(FIXTURES / "v3_issued_jinji.xlsx", tmp_path / "jinji_v3.xlsx"))
    assert read_manifest(wb).version == 3
    fill(wb, {("No.11", "R5", "result"): "更新前に配布されたブック"})
    with Desk.open(db) as sec:
        [pv] = X.preview_import(sec, [wb])
        assert not pv.refused, pv.error or pv.refusals
        X.apply_import(sec, pv)
        assert value(sec, 11) == "更新前に配布されたブック"


def test_an_old_format_manifest_claiming_the_master_scope_is_refused(tmp_path):
    db = _v3_database(tmp_path)
    wb = Path(shutil.copy(FIXTURES / "v3_issued_jinji.xlsx", tmp_path / "jinji_v3.xlsx"))
    forge(wb, _claim_master)
    with Desk.open(db) as sec:
        [pv] = X.preview_import(sec, [wb])
        assert pv.error_kind == "tampered"
