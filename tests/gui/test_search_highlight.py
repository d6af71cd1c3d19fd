"""Search matches marked in the tree and the 一覧 (folded as the search folds: 「てれわーく」
marks 「テレワーク」), and the typed number 「10」 lists No.10 first."""

from __future__ import annotations

import os

import pytest
from gui_helpers import measure_id
from PySide6.QtCore import QSettings, Qt

from kanazawa_desktop.domain.filtering import match_spans
from kanazawa_desktop.ui.list_model import MeasureIdRole


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_match_spans_fold_kana_width_and_case_and_point_into_the_text():
    assert match_spans("No.10 テレワーク、時差出勤", "てれわーく") == [(6, 11)]
    assert match_spans("ＡＩ相談とai", "Ai") == [(0, 2), (5, 7)]
    assert match_spans("ｶﾞｲﾄﾞの作成", "がいど") == [(0, 5)]  # voicing marks fold with their kana
    assert match_spans("職員の 研修", "研修 職員") == [(0, 2), (4, 6)]
    assert match_spans("職員", "") == [] and match_spans("", "職員") == []


def _search(qtbot, win, text):
    win.filters.search.setFocus()
    qtbot.keyClicks(win.filters.search, text)
    win.filters.flush()


def test_the_tree_and_the_list_mark_what_the_search_found(
    qtbot, open_window, db_path, settings, tmp_path
):
    win = open_window(db_path, settings, department="人事課")
    win.filters.search.setText("てれわーく")
    win.filters.flush()
    mid = measure_id(win.desk, 10)
    qtbot.waitUntil(lambda: win.list_model.total() == 1, timeout=10_000)
    tree_index = win.tree_model.index_of_measure(mid)
    text = tree_index.data()
    spans = win.tree.itemDelegate().spans(tree_index)
    assert [text[a:b] for a, b in spans] == ["テレワーク"]
    name = win.list_model.index(0, 1)
    assert [name.data()[a:b] for a, b in win.list_view.itemDelegate().spans(name)] == ["テレワーク"]
    win.tree.viewport().update()
    shot = os.environ.get("KANAZAWA_HIGHLIGHT_SHOT") or str(tmp_path / "highlight.png")
    win.grab().save(shot)
    # painted: the highlighter's yellow is on screen where the tree shows the match
    img = win.tree.viewport().grab(win.tree.visualRect(tree_index)).toImage()
    yellow = sum(
        1
        for x in range(img.width())
        for y in range(img.height())
        if img.pixelColor(x, y).name() == "#ffe066"
    )
    assert yellow > 20
    win.filters.search.clear()
    win.filters.flush()
    assert win.tree.itemDelegate().spans(win.tree_model.index_of_measure(mid)) == []


def test_the_typed_number_lists_its_measure_first_and_enter_opens_it(
    qtbot, open_window, db_path, settings
):
    win = open_window(db_path, settings, secretariat=True)
    win.filters.search.setText("10")
    win.filters.flush()
    qtbot.waitUntil(lambda: win.list_model.total() > 1, timeout=10_000)
    first = win.list_model.index(0, 0)
    assert first.data(MeasureIdRole) == measure_id(win.desk, 10)
    numbers = [win.list_model.index(r, 0).data() for r in range(win.list_model.rowCount())]
    assert numbers[0] == "10" or numbers[0].endswith("10"), numbers[:3]
    win.filters.search.setFocus()
    qtbot.keyClick(win.filters.search, Qt.Key.Key_Return)
    assert win.form.measure.number == 10
