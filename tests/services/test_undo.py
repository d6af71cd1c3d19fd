"""Undo/redo lives in services/undo.py; the Desk's undo API delegates to it."""

from __future__ import annotations

import pytest

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.errors import StoreError
from kanazawa_desktop.services import undo
from kanazawa_desktop.services.desk import Desk


def _row(desk, number):
    return next(r for r in desk.rows() if r.number == number)


def test_desk_undo_goes_through_the_undo_module(jinji):
    assert isinstance(jinji.undo_stack, undo.UndoStack)
    mid = _row(jinji, 10).id
    jinji.save(mid, {(2023, F.RESULT_TEXT): "一回目"})
    assert jinji.undo_stack.can_undo() and not jinji.undo_stack.can_redo()
    assert [c.new for c in jinji.undo_stack.undo(jinji)] == [""]
    assert jinji.measure(mid).year(2023).result_text == ""
    assert jinji.can_redo() and not jinji.can_undo()
    jinji.redo()
    assert jinji.measure(mid).year(2023).result_text == "一回目"
    jinji.save(mid, {(2023, F.RESULT_TEXT): "二回目"})
    assert not jinji.can_redo()  # a new change forgets what could be redone


def test_refused_undo_leaves_the_stack_as_it_was(db_path):
    with Desk.open(db_path) as a, Desk.open(db_path) as b:
        a.set_role(secretariat=True)
        mid = a.rows()[0].id
        a.save(mid, {(2023, F.RESULT_TEXT): "first"})
        b.save(mid, {(2023, F.RESULT_TEXT): "second"})
        with pytest.raises(StoreError, match="元に戻せません"):
            a.undo()
        assert a.can_undo() and not a.can_redo()


def test_undo_batch_refuses_an_undone_batch(jinji):
    mid = _row(jinji, 10).id
    batch = jinji.save(mid, {(2023, F.RESULT_TEXT): "x"}).batch_id
    undo.undo_batch(jinji, batch)
    with pytest.raises(StoreError, match="すでに元に戻されています"):
        undo.undo_batch(jinji, batch)


def test_undo_past_refuses_a_batch_the_role_may_not_change(db_path):
    from kanazawa_desktop.domain.errors import PermissionDenied

    with Desk.open(db_path) as sec:
        sec.set_role(secretariat=True)
        mid = next(r.id for r in sec.rows() if r.number == 10)
        plan_batch = sec.save(mid, {(2023, F.PLAN_TEXT): "事務局の計画"}).batch_id
        result_batch = sec.save(mid, {(2023, F.RESULT_TEXT): "事務局が入力"}).batch_id
    with Desk.open(db_path) as dept:
        dept.set_role(department="人事課", force=True)  # the same file, now as a department
        with pytest.raises(PermissionDenied, match="元に戻せません"):
            dept.undo_past(plan_batch)  # 実施計画 is the secretariat's
        assert dept.measure(mid).year(2023).plan_text == "事務局の計画"
        dept.undo_past(result_batch)  # 実施結果 of its own measure: its to undo
        assert dept.measure(mid).year(2023).result_text == ""
