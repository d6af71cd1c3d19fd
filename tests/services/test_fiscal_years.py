"""Closing a finished fiscal year: its values are read-only on every write path (a save, an
undo, a plan indicator, an import), with the reason; closing and re-opening are recorded."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from kanazawa_desktop.domain.errors import DeskError, InvalidValue, PermissionDenied
from kanazawa_desktop.domain.fiscal import current_fiscal_year, fiscal_year_of, parse_year
from kanazawa_desktop.services import fiscal_years as FY
from kanazawa_desktop.services.desk import Desk


def mid(desk, number):
    return next(m.id for m in desk.measures() if m.number == number)


@pytest.mark.sqlite_file
def test_a_closed_year_refuses_every_write_and_reopens(secretariat):
    desk = secretariat
    m = mid(desk, 10)
    desk.save(m, {(2023, "result_text"): "締切前の記入"})  # undone later: refused then
    FY.close_year(desk, 2023, source="test")
    assert 2023 in desk.closed_years()
    with pytest.raises(PermissionDenied, match="令和5年度は締め切られています"):
        desk.save(m, {(2023, "status"): "achieved"})
    with pytest.raises(PermissionDenied, match="締め切られています"):
        desk.undo()
    assert desk.measure(m).year(2023).result_text == "締切前の記入"
    desk.save(m, {(2024, "result_text"): "R6は受付中"})  # another year stays open
    measure = desk.measure(m)
    assert not desk.can_edit(measure, "result_text", 2023)
    assert desk.can_edit(measure, "result_text", 2024)
    FY.open_year(desk, 2023, source="test")
    desk.save(m, {(2023, "status"): "achieved"})
    assert desk.measure(m).year(2023).status.label == "達成"
    con = sqlite3.connect(desk.db.database)
    rows = con.execute("SELECT plan_code, fy, action, source FROM fiscal_year_event").fetchall()
    assert rows == [("gyosei_keiei", 2023, "close", "test"), ("gyosei_keiei", 2023, "open", "test")]


def test_a_plan_indicator_of_a_closed_year_is_refused(secretariat):
    from kanazawa_desktop.services.plan_indicators import plan_indicators, save_plan_indicators

    desk = secretariat
    desk.use_plan("sogo_senryaku_3")
    item = plan_indicators(desk)[0].items[0]
    FY.close_year(desk, 2024, source="test")
    with pytest.raises(PermissionDenied, match="令和6年度は締め切られています"):
        save_plan_indicators(desk, {(item.id, 2024, "actual"): "50"})
    save_plan_indicators(desk, {(item.id, 2025, "actual"): "50"})
    desk.use_plan("gyosei_keiei")
    assert not desk.closed_years()  # per plan


@pytest.mark.sqlite_file
def test_only_the_secretariat_closes_a_year_of_its_plan(desk):
    desk.set_role(department="人事課")
    with pytest.raises(PermissionDenied):
        FY.close_year(desk, 2023, source="test")
    desk.set_role(secretariat=True, force=True)
    with pytest.raises(InvalidValue, match="年度ではありません"):
        FY.close_year(desk, 2030, source="test")
    with pytest.raises(InvalidValue, match="締め切られていません"):
        FY.open_year(desk, 2023, source="test")
    FY.close_year(desk, 2023, source="test")
    with pytest.raises(InvalidValue, match="すでに締め切られています"):
        FY.close_year(desk, 2023, source="test")


def test_a_closed_year_survives_reopening_the_database(db_path):
    with Desk.open(db_path) as d:
        d.set_role(secretariat=True)
        FY.close_year(d, 2024, source="test")
    with Desk.open(db_path) as d:
        assert [s.fy for s in FY.year_states(d) if s.closed] == [2024]
        with pytest.raises(DeskError):
            d.save(mid(d, 10), {(2024, "plan_text"): "x"})


def test_the_fiscal_year_of_a_day():
    assert fiscal_year_of(date(2026, 11, 30)) == 2026
    assert fiscal_year_of(date(2027, 3, 31)) == 2026
    assert fiscal_year_of(date(2027, 4, 1)) == 2027
    assert current_fiscal_year((2023, 2024, 2025, 2026), date(2031, 5, 1)) == 2026
    assert current_fiscal_year((2024, 2025), date(2020, 5, 1)) == 2024
    assert parse_year("R5") == parse_year("令和5年度") == parse_year("２０２３") == 2023
    with pytest.raises(ValueError):
        parse_year("来年")


def test_a_return_keeps_its_open_years_and_leaves_the_closed_one_with_a_note(secretariat, tmp_path):
    from exchange_helpers import fill

    from kanazawa_desktop.services import exchange as X

    desk = secretariat
    out = X.export_workbook(desk, tmp_path / "jinji.xlsx", "人事課").path
    fill(out, {("No.7", "R5", "result"): "R5の記入", ("No.7", "R6", "result"): "R6の記入"})
    FY.close_year(desk, 2023, source="test")
    [pv] = X.preview_import(desk, [out])
    assert [pv.describe(c) for c in pv.changes] == ["No.7 R6 実施結果"]
    assert any("令和5年度は締め切られています" in n and "No.7 R5 実施結果" in n for n in pv.notes)
    X.apply_import(desk, pv)
    m = desk.measure(mid(desk, 7))
    assert m.year(2024).result_text == "R6の記入" and m.year(2023).result_text == ""


def test_a_department_pc_takes_the_closed_years_with_the_masters_workbook(tmp_path):
    from exchange_helpers import synced_pcs

    from kanazawa_desktop.services import exchange as X

    master_db, dept_db = synced_pcs(tmp_path)
    with Desk.open(master_db) as sec:
        sec.save(mid(sec, 7), {(2023, "result_text"): "事務局の確定値"})
        FY.close_year(sec, 2023, source="test")
        closed_master = X.export_workbook(sec, tmp_path / "m2.xlsx").path
        FY.open_year(sec, 2023, source="test")
        reopened_master = X.export_workbook(sec, tmp_path / "m3.xlsx").path
    with Desk.open(dept_db) as dept:
        X.apply_import(dept, X.preview_import(dept, [closed_master])[0])
        assert set(dept.closed_years()) == {2023}
        # the closed year's final value arrived with it, and the PC can no longer change it
        assert dept.measure(mid(dept, 7)).year(2023).result_text == "事務局の確定値"
        with pytest.raises(PermissionDenied):
            dept.save(mid(dept, 7), {(2023, "result_text"): "課の修正"})
        X.apply_import(dept, X.preview_import(dept, [reopened_master])[0])
        assert not dept.closed_years()
        dept.save(mid(dept, 7), {(2023, "result_text"): "課の修正"})
    con = sqlite3.connect(dept_db)
    assert [r[0] for r in con.execute("SELECT source FROM fiscal_year_event")] == ["master"] * 2
