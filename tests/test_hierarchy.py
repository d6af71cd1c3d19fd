"""The secretariat renames 方針/項目/小項目: recorded, undoable, shown in the measures' history."""

from __future__ import annotations

import pytest
from exchange_helpers import synced_pcs

from kanazawa_desktop.domain.errors import InvalidValue, PermissionDenied
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import Desk


def node(desk, key):
    return next(n for n in desk.nodes() if n.key == key)


def measure(desk, number):
    return next(m for m in desk.measures() if m.number == number)


def test_rename_is_recorded_undone_and_redone(secretariat):
    n = node(secretariat, "1-1")
    before = n.title
    secretariat.rename_node(n.id, "  働き方の\nDX  ")
    assert node(secretariat, "1-1").title == "働き方の DX"  # one line, as the path prints it
    entry = secretariat.history(measure(secretariat, 10).id)[0]  # No.10 is under 1-1
    assert (entry.field, entry.node, entry.old, entry.new) == ("title", "項目 (1)", before, "働き方の DX")
    assert entry.source == "form" and entry.role == "事務局"
    assert not any(e.field == "title" for e in secretariat.history(measure(secretariat, 40).id))
    secretariat.undo()
    assert node(secretariat, "1-1").title == before
    secretariat.redo()
    assert node(secretariat, "1-1").title == "働き方の DX"


def test_only_the_secretariat_renames_and_never_to_blank(desk):
    desk.set_role(department="人事課")
    n = node(desk, "1")
    with pytest.raises(PermissionDenied):
        desk.rename_node(n.id, "新しい方針")
    desk.set_role(secretariat=True)
    with pytest.raises(InvalidValue, match="空にできません"):
        desk.rename_node(n.id, "  ")
    assert node(desk, "1").title == n.title


def test_renamed_titles_reach_the_department_pc(tmp_path):
    master_db, dept_db = synced_pcs(tmp_path)
    with Desk.open(master_db) as sec:
        sec.rename_node(node(sec, "1-1-1").id, "デジタル技術で業務を変える")
        wb = X.export_workbook(sec, tmp_path / "m2.xlsx").path
    with Desk.open(dept_db) as dept:
        [pv] = X.preview_import(dept, [wb])
        assert "体系の名称 1件" in pv.summary()
        [(what, _old, new)] = pv.additions()
        assert what == f"体系の名称 {node(dept, '1-1-1').label}" and new == "デジタル技術で業務を変える"
        res = X.apply_import(dept, pv)
        assert node(dept, "1-1-1").title == "デジタル技術で業務を変える"
        assert any(e.field == "title" and e.source == "import" for e in dept.history(measure(dept, 10).id))
        X.undo_import(dept, res.batch_id)
        assert node(dept, "1-1-1").title != "デジタル技術で業務を変える"
