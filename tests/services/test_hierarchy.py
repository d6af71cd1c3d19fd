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
    assert (entry.field, entry.node, entry.old, entry.new) == (
        "title",
        "項目 (1)",
        before,
        "働き方の DX",
    )
    assert entry.source == "form" and entry.role == "事務局"
    assert not any(e.field == "title" for e in secretariat.history(measure(secretariat, 40).id))
    secretariat.undo()
    assert node(secretariat, "1-1").title == before
    secretariat.redo()
    assert node(secretariat, "1-1").title == "働き方の DX"


def test_node_titles_are_cleaned_like_typed_text(secretariat, tmp_path):
    """A title kept controls, U+FFFE and lone surrogates, and a new measure's departments were
    kept as given: the next export was refused (or the save failed with sqlite3's
    UnicodeEncodeError)."""
    n = node(secretariat, "1-1")
    secretariat.rename_node(n.id, "働き方\x01の\ufffeDX\ud800")
    new_id = secretariat.add_node(n.id, "新しい\x07小項目\uffff")
    assert node(secretariat, "1-1").title == "働き方のDX"
    assert next(x for x in secretariat.nodes() if x.id == new_id).title == "新しい小項目"
    mid = secretariat.add_measure(
        node_key="1-1-1", name="新規\x01取組", departments=[" 人事課\x02 ", "人事課", ""]
    )
    added = secretariat.measure(mid)
    assert (added.name, added.departments) == ("新規取組", ("人事課",))  # as a save keeps them
    with pytest.raises(InvalidValue):
        secretariat.add_measure(node_key="1-1-1", name="取組", departments=["  "])
    assert X.export_workbook(secretariat, tmp_path / "m.xlsx").path.exists()


@pytest.mark.sqlite_file
def test_only_the_secretariat_renames_and_never_to_blank(desk):
    desk.set_role(department="人事課")
    n = node(desk, "1")
    with pytest.raises(PermissionDenied):
        desk.rename_node(n.id, "新しい方針")
    desk.set_role(secretariat=True, force=True)
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
        assert (
            what == f"体系の名称 {node(dept, '1-1-1').label}"
            and new == "デジタル技術で業務を変える"
        )
        res = X.apply_import(dept, pv)
        assert node(dept, "1-1-1").title == "デジタル技術で業務を変える"
        assert any(
            e.field == "title" and e.source == "import" for e in dept.history(measure(dept, 10).id)
        )
        X.undo_import(dept, res.batch_id)
        assert node(dept, "1-1-1").title != "デジタル技術で業務を変える"


@pytest.mark.sqlite_file
def test_add_node_numbers_after_siblings_and_places_after_the_branch(desk):
    from kanazawa_desktop.domain.errors import StoreError

    desk.set_role(secretariat=True)
    item = desk.add_node(node(desk, "1").id, "新しい項目")
    sub = desk.add_node(item, "その下の小項目")
    keys = [n.key for n in desk.nodes()]
    assert (
        keys.index("1-4") == keys.index("1-3-2") + 1
        and keys.index("1-4-1") == keys.index("1-4") + 1
    )
    assert keys.index("2") == keys.index("1-4-1") + 1  # 方針2 still follows the whole 方針1 branch
    assert [(n.label, n.level) for n in desk.nodes() if n.id in (item, sub)] == [
        ("(4)", 2),
        ("①", 3),
    ]
    with pytest.raises(InvalidValue, match="小項目の下には追加できません"):
        desk.add_node(sub, "四階層目")
    with pytest.raises(StoreError, match="追加は元に戻せません"):
        desk.undo_batch(_last_batch(desk))
    desk.set_role(department="人事課", force=True)
    with pytest.raises(PermissionDenied):
        desk.add_node(node(desk, "1").id, "課が追加")


def _last_batch(desk):
    from kanazawa_desktop.store import repository as repo

    return repo.latest_batch()[0]


def test_new_nodes_and_measures_in_them_reach_the_department_pc(tmp_path):
    master_db, dept_db = synced_pcs(tmp_path)
    with Desk.open(master_db) as sec:
        sub = sec.add_node(node(sec, "1-1").id, "生成AIの活用")
        mid = sec.add_measure(node_key="1-1-4", name="議事録作成へのAI活用", departments=["人事課"])
        wb = X.export_workbook(sec, tmp_path / "m2.xlsx").path
        order = [n.key for n in sec.nodes()]
        assert {n.id: n.key for n in sec.nodes()}[sub] == "1-1-4"
        assert sec.measure(mid).node_id == sub
    with Desk.open(dept_db) as dept:
        [pv] = X.preview_import(dept, [wb])
        assert not pv.refused and [n.key for n in pv.new_nodes] == ["1-1-4"]
        assert ("新しい体系 ④", "", "生成AIの活用") in pv.additions()
        X.apply_import(dept, pv)
        assert [n.key for n in dept.nodes()] == order
        added = measure(dept, 91)
        assert {n.id: n.key for n in dept.nodes()}[added.node_id] == "1-1-4"
        assert added.id in {r.id for r in dept.rows()}


def test_lists_follow_the_hierarchy_after_moves_and_new_nodes(secretariat, tmp_path):
    import openpyxl

    secretariat.save(measure(secretariat, 1).id, {(None, "node"): "1-1-3"})
    secretariat.add_node(node(secretariat, "1-1").id, "新しい小項目")
    new = secretariat.add_measure(
        node_key="1-1-4", name="新しい小項目の取組", departments=["人事課"]
    )
    order = [m.number for m in secretariat.measures()]
    # a moved measure lists inside its new 小項目 (by its own order, so undoing a move is exact)
    assert order[:15] == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 13, 14, 91]
    assert [r.number for r in secretariat.rows()][:15] == order[:15]
    wb = openpyxl.load_workbook(X.export_workbook(secretariat, tmp_path / "m.xlsx").path)
    listed = [r[0] for r in wb["取組事項一覧"].iter_rows(min_row=2, values_only=True)]
    assert listed.index("No.91") < listed.index("No.15")  # within 方針1 (1), not after 方針3
    assert secretariat.measure(new).number == 91
