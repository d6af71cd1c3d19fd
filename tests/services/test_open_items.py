"""One bad value no longer refuses a department's whole return: it is an open item of the file
(its cell, the text as written, the reason), the rest is applied, and the item is settled later
by a typed value or by keeping the master's."""

from __future__ import annotations

import pytest
from exchange_helpers import entry_rows, fill, put_formula

from kanazawa_desktop.domain.errors import DeskError
from kanazawa_desktop.services import exchange as X

DEPT = "デジタル行政戦略課"


def mid(desk, number):
    return next(m.id for m in desk.measures() if m.number == number)


def year(desk, number, fy=2023):
    return desk.measure(mid(desk, number)).year(fy)


def dept_state(desk):
    return {s.department: s for s in X.collection_status(desk)}[DEPT]


@pytest.fixture
def returned(secretariat, tmp_path):
    """デジタル行政戦略課's return: 「38名」 in No.1's 実績値, 「達成済み」 in No.15's status, good
    values elsewhere."""
    out = X.export_workbook(secretariat, tmp_path / "digi.xlsx", DEPT).path
    fill(
        out,
        {
            ("No.1", "R5", "actual"): "38名",
            ("No.1", "R5", "result"): "カードを配布した",
            ("No.15", "R5", "status"): "達成済み",
            ("No.15", "R5", "result"): "研修を実施",
            ("No.22", "R5", "status"): "達成",
        },
    )
    return out


def test_bad_values_are_open_items_and_the_rest_is_applied(secretariat, returned):
    desk = secretariat
    [pv] = X.preview_import(desk, [returned])
    assert not pv.refused, (pv.error, pv.refusals)
    assert sorted(pv.describe(c) for c in pv.changes) == [
        "No.1 R5 実施結果",
        "No.15 R5 実施結果",
        "No.22 R5 計画達成状況",
    ]
    items = {(i.label, i.field): i for i in pv.open_items}
    assert set(items) == {("No.1", "actual"), ("No.15", "status")}
    bad = items[("No.1", "actual")]
    assert bad.written == "38名" and bad.message.startswith("入力!I") and bad.master is None
    assert "38名" in bad.message and "単位" in bad.message
    assert items[("No.15", "status")].message.endswith(
        "「達成済み」は選択肢（未確定・達成・未達成）にありません"
    )
    assert "要修正 2件" in pv.summary()
    res = X.apply_import(desk, pv)
    assert year(desk, 1).result_text == "カードを配布した" and year(desk, 1).actual is None
    assert year(desk, 15).status.value == "" and year(desk, 22).status.value == "achieved"
    assert len(res.open_items) == 2 and "要修正 2件" in res.summary()
    rows = X.open_conflicts(desk)
    assert [(c.kind, c.file) for c in rows] == [("invalid", "38名"), ("invalid", "達成済み")]
    assert rows[0].what == bad.message and rows[0].master is None
    state = dept_state(desk)
    assert state.state != "回収済" and len(state.open_conflicts) == 2


def test_an_open_item_is_settled_by_a_value_never_by_the_file(secretariat, returned):
    desk = secretariat
    X.apply_import(desk, X.preview_import(desk, [returned])[0])
    actual, status = X.open_conflicts(desk)
    with pytest.raises(DeskError, match="ブックの値にはできません"):
        X.resolve(desk, actual.id, take=X.TAKE_FILE)
    with pytest.raises(DeskError):
        X.resolve(desk, actual.id, value="38名のまま")  # checked like a save
    assert [c.id for c in X.open_conflicts(desk)] == [actual.id, status.id]
    res = X.resolve(desk, actual.id, value="38")
    assert res.batch_id and year(desk, 1).actual == 38
    X.resolve(desk, status.id, take=X.TAKE_MASTER)
    assert X.open_conflicts(desk) == [] and dept_state(desk).state == "回収済"


def test_a_correction_typed_in_the_preview_is_applied_with_the_file(secretariat, returned):
    desk = secretariat
    [pv] = X.preview_import(desk, [returned])
    key = next(i.key for i in pv.open_items if i.field == "actual")
    with pytest.raises(DeskError, match="修正値"):
        X.apply_import(desk, pv, corrections={key: "三十八"})
    assert year(desk, 1).result_text == ""  # a bad correction writes nothing
    res = X.apply_import(desk, pv, corrections={key: "38"})
    assert year(desk, 1).actual == 38 and len(res.open_items) == 1
    assert [c.file for c in X.open_conflicts(desk)] == ["達成済み"]


def test_undoing_the_import_removes_its_open_items(secretariat, returned):
    desk = secretariat
    res = X.apply_import(desk, X.preview_import(desk, [returned])[0])
    assert len(X.open_conflicts(desk)) == 2
    X.undo_import(desk, res.batch_id)
    assert X.open_conflicts(desk) == [] and year(desk, 1).result_text == ""


def test_a_formula_in_an_input_cell_is_an_open_item(secretariat, returned):
    row = entry_rows(returned)[("No.1", "R6")]
    put_formula(returned, f"F{row}", "=1+1")
    [pv] = X.preview_import(secretariat, [returned])
    assert not pv.refused, pv.refusals
    item = next(i for i in pv.open_items if i.fy == 2024)
    assert item.field == "result_text" and "数式は入力できません" in item.message


def test_a_formula_in_a_locked_cell_still_refuses_the_file(secretariat, returned):
    row = entry_rows(returned)[("No.1", "R6")]
    put_formula(returned, f"E{row}", "=1+1")
    [pv] = X.preview_import(secretariat, [returned])
    assert pv.refused and any("数式" in r.message for r in pv.refusals)
    assert not pv.changes and not pv.open_items


def test_tampering_still_refuses_the_whole_file(secretariat, returned):
    before = [(m.key, m.year(2023).result_text) for m in secretariat.measures()]
    fill(returned, {("No.1", "R5", "plan"): "書き換えた計画"})
    [pv] = X.preview_import(secretariat, [returned])
    assert pv.refused and "変更できないセル" in pv.refusals[0].message
    assert not pv.changes and not pv.open_items
    with pytest.raises(DeskError, match="取り込めません"):
        X.apply_import(secretariat, pv)
    assert [(m.key, m.year(2023).result_text) for m in secretariat.measures()] == before


def test_a_bad_value_in_a_master_workbook_still_refuses_the_sync(tmp_path):
    """A department PC's sync: the secretariat's workbook is typed by no one, so a bad value
    there refuses it whole, as before."""
    from exchange_helpers import synced_pcs

    from kanazawa_desktop.services.desk import Desk

    master_db, dept_db = synced_pcs(tmp_path)
    with Desk.open(master_db) as sec:
        out = X.export_workbook(sec, tmp_path / "m2.xlsx").path
    fill(out, {("No.7", "R5", "status"): "達成済み"})
    with Desk.open(dept_db) as dept:
        [pv] = X.preview_import(dept, [out])
        assert pv.kind == "sync" and pv.refused and not pv.open_items
        assert any("達成済み" in r.message for r in pv.refusals), pv.refusals
