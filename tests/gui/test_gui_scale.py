"""The window on a generated plan of 1,600 measures: lazy list and tree, search index built on a
worker thread, navigation over measures whose branch is closed (issue: city scale)."""

from __future__ import annotations

import random
import shutil
import sys
import threading
import uuid

import pytest
from conftest import REPO
from gui_helpers import tree_numbers
from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtWidgets import QApplication
from test_gui import type_text

from kanazawa_desktop.domain.filtering import MeasureFilter
from kanazawa_desktop.ui import list_model as list_module
from kanazawa_desktop.ui import main_window as window_module
from kanazawa_desktop.ui import tree_model as tree_module
from kanazawa_desktop.ui.list_model import MeasureIdRole, NodeIdRole

pytestmark = pytest.mark.gui

MEASURES = 1600  # past the tree's expand-all limit and the synchronous-search limit
WORD = "窓口業務"  # a make_city topic, in names and texts


@pytest.fixture(scope="session")
def city(tmp_path_factory):
    """A secretariat database with a generated plan (bench/make_city.py, no results): made once."""
    bench = str(REPO / "bench")
    sys.path.insert(0, bench)
    try:
        import make_city
    finally:
        sys.path.remove(bench)
    path = tmp_path_factory.mktemp("city") / "city.sqlite3"
    plan, _counts = make_city.make_plan(MEASURES, 30, random.Random("test_gui_scale"))
    make_city.write_plan(path, plan, uuid.uuid4().hex)
    return path


@pytest.fixture
def city_window(city, tmp_path, open_window):
    db = tmp_path / "city.sqlite3"
    shutil.copy(city, db)  # closed cleanly: one file, nothing in a -wal beside it
    return open_window(
        db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), activate=True
    )


def test_the_limits_are_below_the_generated_plan():
    assert tree_module.EXPAND_ALL_LIMIT < MEASURES and window_module.SYNC_SEARCH_LIMIT < MEASURES


def test_the_list_hands_rows_to_the_view_as_it_scrolls(qtbot, city_window):
    win = city_window
    model, batch = win.list_model, list_module.FETCH_BATCH
    assert model.total() == MEASURES
    assert model.rowCount() < MEASURES  # not every row built up front
    first = model.rowCount()
    win.tabs.setCurrentIndex(2)  # 取組事項一覧
    win.list_view.setFocus()
    win.list_view.setCurrentIndex(model.index(first - 1, 1))
    qtbot.keyClick(win.list_view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: model.rowCount() > first, timeout=5000)  # the view asked for more
    assert model.rowCount() <= first + 2 * batch or model.rowCount() == MEASURES
    # opening the last measure selects its row, fetching up to it
    last = win._visible_ids[-1]
    win.open_measure(last)
    assert model.rowCount() == MEASURES and not model.canFetchMore(QModelIndex())
    assert win.list_view.currentIndex().data(MeasureIdRole) == last


def test_the_tree_opens_the_levels_above_the_measures_and_counts_them(qtbot, city_window):
    win = city_window
    model, tree = win.tree_model, win.tree
    policy = model.index(0, 0)
    item = model.index(0, 0, policy)
    small = model.index(0, 0, item)
    assert tree.isExpanded(policy) and tree.isExpanded(item)
    n = model.rowCount(small)
    assert model.data(small).endswith(f"（{n}）") and n > 0
    # every measure is still in the tree, in the order Ctrl+PgDown walks
    assert len(tree_numbers(win)) == MEASURES
    win.filters.search.setText("")  # the full plan shown: count 「n 件 / 全 N 件」
    assert win.count_label.text() == f"{MEASURES} 件 / 全 {MEASURES} 件"


def test_next_measure_walks_the_tree_order_into_closed_branches(qtbot, city_window):
    win = city_window
    model = win.tree_model

    def order(parent=None):
        parent = parent or QModelIndex()
        out = []
        for r in range(model.rowCount(parent)):
            idx = model.index(r, 0, parent)
            mid = idx.data(MeasureIdRole)
            out += [mid] if mid is not None else order(idx)
        return out

    ids = order()
    assert ids == win._visible_ids
    win.open_measure(ids[0])
    seen = [win.current_id]
    for _ in range(12):  # four measures per 小項目 here: crosses closed branches
        qtbot.keyClick(win, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
        seen.append(win.current_id)
        current = win.tree.currentIndex()
        assert current.data(MeasureIdRole) == win.current_id  # selected, its branch opened
        assert win.tree.visualRect(current).isValid()
    assert seen == ids[:13]
    qtbot.keyClick(win, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert win.current_id == ids[11]


def test_a_search_typed_while_the_index_builds_runs_once_it_is_ready(
    qtbot, city_window, monkeypatch
):
    from kanazawa_desktop.services import desk as desk_module

    win = city_window
    win.search_prep.cancel()  # the one started after the paint: start a held one instead
    win.desk._index = None
    gate = threading.Event()
    run = desk_module.SearchIndexJob.run

    def held(job):
        assert gate.wait(20), "test gate never opened"
        return run(job)

    monkeypatch.setattr(desk_module.SearchIndexJob, "run", held)
    win.search_prep.start()
    before = list(win._visible_ids)
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, win.filters.search, WORD)  # through the input method, as typed in Japanese
    win.filters.flush()
    assert win.count_label.text() == "検索の準備中…"
    assert "検索の準備中" in win.statusBar().currentMessage()
    assert win._visible_ids == before  # nothing filtered, nothing frozen
    opened = win.current_id
    qtbot.keyClick(win.filters.search, Qt.Key.Key_Return)  # Enter: the first hit, once ready
    assert win.current_id == opened
    # a save meanwhile updates its row in place and does not fold every text on the GUI thread
    from kanazawa_desktop.domain import fields as F

    win.desk.save(opened, {(win.desk.plan.years[0], F.STATUS): "達成"})
    win.broadcast()
    assert not win.desk.search_ready()
    assert win.list_model.index(win.list_model.row_of(opened), 3).data() == "達成"
    gate.set()
    qtbot.waitUntil(lambda: win._visible_ids != before, timeout=20_000)
    expected = [r.id for r in win.desk.rows(MeasureFilter(text=WORD))]
    assert 0 < len(expected) < MEASURES
    assert win._visible_ids == expected
    assert win.current_id == expected[0]  # Enter was kept
    assert win.count_label.text() == f"{len(expected)} 件 / 全 {MEASURES} 件"
    assert "検索の準備中" not in win.statusBar().currentMessage()


def test_a_measure_saved_while_the_index_builds_is_found_by_its_new_text(qtbot, city_window):
    from kanazawa_desktop.domain import fields as F

    win = city_window
    win.search_prep.cancel()
    desk = win.desk
    desk._index = None
    job = desk.search_index_job()
    built: list = []
    worker = threading.Thread(target=lambda: built.append(job.run()))  # its own connection
    worker.start()
    worker.join(60)
    assert built and built[0] is not None  # built from the texts before the save below
    target = win._visible_ids[5]
    desk.save(target, {(desk.plan.years[0], F.RESULT_TEXT): "ドローン点検の新手法"})
    assert desk.adopt_search_index(job, built[0])
    assert [r.id for r in desk.rows(MeasureFilter(text="ドローン点検の新手法"))] == [target]
    QApplication.processEvents()


def test_the_lazy_models_pass_qtmodeltester(qtmodeltester, city):
    from kanazawa_desktop.services.desk import Desk
    from kanazawa_desktop.ui.list_model import MeasureListModel
    from kanazawa_desktop.ui.tree_model import PlanTreeModel

    with Desk.open(city, create=False) as desk:
        rows, nodes, years = desk.rows(), desk.nodes(), desk.plan.years
    lm = MeasureListModel(years)
    lm.set_rows(rows)
    qtmodeltester.check(lm)  # fetches more as it goes
    assert lm.rowCount() > list_module.FETCH_BATCH
    tm = PlanTreeModel()
    tm.set_content(nodes, rows[: tree_module.EXPAND_ALL_LIMIT + 40])  # past the limit: counts
    qtmodeltester.check(tm)
    assert not tm.opens_everything()
    assert tm.index_of_measure(rows[7].id).data(MeasureIdRole) == rows[7].id
    parent = tm.index_of_measure(rows[7].id).parent()
    assert parent.data(NodeIdRole) == rows[7].node_id
