"""Open conflicts as a worklist: recorded with a stable ID, settled later by taking a side,
typing a value or editing the field in the form; replaced by a later return; undoable."""

from __future__ import annotations

import sqlite3

import pytest
from exchange_helpers import fill
from schema_helpers import draft_before_13

from kanazawa_desktop.domain.errors import DeskError, InvalidValue
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.services.exchange import conflicts as C


def mid(desk, number):
    return next(m.id for m in desk.measures() if m.number == number)


def value(desk, number, fy=2023, field="result_text"):
    return getattr(desk.measure(mid(desk, number)).year(fy), field)


def jinji(desk) -> X.DepartmentStatus:
    return {s.department: s for s in X.collection_status(desk)}["人事課"]


def returned(desk, tmp_path, name, edits, master_edits=()):
    """Issue 人事課's workbook, let the secretariat change `master_edits` meanwhile, fill in
    `edits`, import it leaving conflicts open."""
    out = X.export_workbook(desk, tmp_path / name, "人事課").path
    for number, fy, field, text in master_edits:
        desk.save(mid(desk, number), {(fy, field): text})
    fill(out, edits)
    [pv] = X.preview_import(desk, [out])
    return X.apply_import(desk, pv)


@pytest.fixture
def open_one(secretariat, tmp_path):
    res = returned(
        secretariat,
        tmp_path,
        "j1.xlsx",
        {("No.7", "R5", "result"): "課の記入", ("No.7", "R5", "status"): "達成"},
        [(7, 2023, "result_text", "事務局の修正"), (7, 2023, "status", "未達成")],
    )
    assert len(res.open_conflicts) == 2
    return secretariat


def test_an_import_records_its_open_conflicts_with_ids(open_one):
    rows = X.open_conflicts(open_one)
    assert [(c.what, c.master, c.file, c.department) for c in rows] == [
        ("No.7 R5 実施結果", "事務局の修正", "課の記入", "人事課"),
        ("No.7 R5 計画達成状況", "not_achieved", "achieved", "人事課"),
    ]
    assert rows[0].id < rows[1].id and all(c.file_name == "j1.xlsx" for c in rows)
    assert jinji(open_one).state == "競合あり" and len(jinji(open_one).open_conflicts) == 2
    assert X.open_conflicts(open_one, "digital_2") == []


def test_take_the_file_writes_one_batch_from_the_conflict_and_undo_reopens(open_one):
    desk = open_one
    first, second = X.open_conflicts(desk)
    res = X.resolve(desk, first.id, take=X.TAKE_FILE)
    assert res.batch_id and value(desk, 7) == "課の記入"
    assert desk.history(mid(desk, 7))[0].source == "conflict"
    assert [c.id for c in X.open_conflicts(desk)] == [second.id]
    X.resolve(desk, second.id, take=X.TAKE_MASTER)  # keeps 未達成, writes nothing
    assert value(desk, 7, field="status") == "not_achieved"
    assert X.open_conflicts(desk) == [] and jinji(desk).state == "回収済"
    with pytest.raises(DeskError, match="すでに解決済み"):
        X.resolve(desk, first.id, take=X.TAKE_MASTER)
    desk.undo()  # the usual undo takes the settled value back and opens the conflict again
    assert value(desk, 7) == "事務局の修正"
    assert [c.id for c in X.open_conflicts(desk)] == [first.id]
    assert jinji(desk).state == "競合あり"


def test_a_typed_value_is_validated_like_a_save(open_one):
    desk = open_one
    status = X.open_conflicts(desk)[1]
    with pytest.raises(InvalidValue, match="計画達成状況"):
        X.resolve(desk, status.id, value="達成済み")
    assert value(desk, 7, field="status") == "not_achieved"  # nothing changed
    assert len(X.open_conflicts(desk)) == 2
    res = X.resolve(desk, status.id, value="達成")
    assert value(desk, 7, field="status") == "achieved" and res.how == "value"
    with pytest.raises(DeskError, match="ありません"):
        X.resolve(desk, 9999, take=X.TAKE_FILE)
    with pytest.raises(InvalidValue):
        X.resolve(desk, status.id)


def test_an_edit_in_the_form_settles_the_conflict_on_that_field(open_one):
    desk = open_one
    text, status = X.open_conflicts(desk)
    desk.save(mid(desk, 7), {(2024, "result_text"): "別の年度"})  # another year: still open
    assert len(X.open_conflicts(desk)) == 2
    desk.save(mid(desk, 7), {(2023, "result_text"): "両方をまとめた記入"})
    assert [c.id for c in X.open_conflicts(desk)] == [status.id]
    [settled] = [c for c in C.conflict_repo.of_import(C.PLAN_CODE, text.import_id) if c.settled_at]
    assert settled.settled_how == "edit" and settled.settled_batch
    desk.undo()  # undoing that edit opens it again
    assert len(X.open_conflicts(desk)) == 2
    desk.redo()  # and writing it again settles it again
    assert [c.id for c in X.open_conflicts(desk)] == [status.id]


def test_a_later_return_replaces_the_departments_list(open_one, tmp_path):
    desk = open_one
    old = X.open_conflicts(desk)
    returned(
        desk,
        tmp_path,
        "j2.xlsx",
        {("No.10", "R5", "result"): "二回目", ("No.10", "R5", "status"): "達成"},
        [(10, 2023, "result_text", "事務局2")],
    )
    [new] = X.open_conflicts(desk)
    assert new.what == "No.10 R5 実施結果" and new.file_name == "j2.xlsx"
    with pytest.raises(DeskError, match="一覧から外れています"):
        X.resolve(desk, old[0].id, take=X.TAKE_FILE)
    assert value(desk, 7) == "事務局の修正"
    # undoing the later return brings the earlier list back
    X.undo_import(desk, jinji(desk).returned_batch)
    assert [c.id for c in X.open_conflicts(desk)] == [c.id for c in old]


@pytest.mark.sqlite_file
def test_conflicts_recorded_before_version_9_become_rows(open_one, tmp_path):
    path = open_one.db.database
    ids = [c.what for c in X.open_conflicts(open_one)]
    open_one.close()
    con = sqlite3.connect(path)
    con.execute('DROP TABLE "exchange_conflict"')
    con.execute('ALTER TABLE "exchange_export" DROP COLUMN "deadline"')  # version 10's
    con.execute('DROP TABLE "fiscal_year_event"')  # version 11's
    con.execute('ALTER TABLE "plan" DROP COLUMN "glossary"')  # version 12's
    draft_before_13(con)
    con.execute("UPDATE meta SET value = '8' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with Desk.open(path) as desk:
        rows = X.open_conflicts(desk)
        assert [c.what for c in rows] == ids
        assert rows[0].measure_id == mid(desk, 7) and rows[1].master == "not_achieved"
        X.resolve(desk, rows[0].id, take=X.TAKE_FILE)
        assert value(desk, 7) == "課の記入"


def test_undoing_a_return_later_says_what_it_changed_or_why_not(open_one, tmp_path):
    from kanazawa_desktop.services.exchange.apply import plan_undo_import

    desk = open_one
    res = returned(desk, tmp_path, "j2.xlsx", {("No.10", "R5", "result"): "課の記入2"})
    plan = plan_undo_import(desk, res.batch_id)
    assert plan.refusal == "" and plan.file_name == "j2.xlsx"
    assert plan.changes == [("No.10 R5 実施結果", "result_text", "課の記入2", "")]
    desk.save(mid(desk, 10), {(2023, "result_text"): "後から修正"})
    plan = plan_undo_import(desk, res.batch_id)
    assert "No.10 R5 実施結果" in plan.refusal and "変更されている" in plan.refusal
    with pytest.raises(DeskError):
        X.undo_import(desk, res.batch_id)  # the undo itself refuses it too
    desk.undo()
    assert plan_undo_import(desk, res.batch_id).refusal == ""
    X.undo_import(desk, res.batch_id)
    assert "すでに元に戻されています" in plan_undo_import(desk, res.batch_id).refusal
