"""The window refreshes what an operation changed, not everything (issue: city scale)."""

from __future__ import annotations

import pytest
from gui_helpers import select_measure, tree_numbers
from PySide6.QtCore import Qt
from test_gui import type_text

from kanazawa_desktop.domain import fields as F

pytestmark = pytest.mark.gui


class _Spy:
    """Counts model resets and records the rows a model says changed (their text or row)."""

    def __init__(self, model, *, text: bool):
        self.resets, self.rows = 0, []
        model.modelReset.connect(self._reset)
        model.dataChanged.connect(
            lambda top, _bottom, *_: self.rows.append(top.data() if text else top.row())
        )

    def _reset(self):
        self.resets += 1


def test_a_save_updates_only_the_saved_measures_rows(qtbot, open_window, db_path, settings):
    win = open_window(db_path, settings, secretariat=True)
    select_measure(qtbot, win, 10)  # and the search cleared: the whole plan in the tree again
    qtbot.waitUntil(lambda: len(tree_numbers(win)) == 92, timeout=5000)
    tree, listed = _Spy(win.tree_model, text=True), _Spy(win.list_model, text=False)
    status = win.form.editors[(2023, F.STATUS)]
    status.combo.setFocus()
    qtbot.keyClick(status.combo, Qt.Key.Key_Down)  # 未確定 -> 達成: saved at once
    qtbot.waitUntil(lambda: bool(tree.rows), timeout=5000)
    assert tree.resets == 0 and listed.resets == 0  # no rebuild of the tree or the list
    assert len(tree.rows) == 1 and tree.rows[0].startswith("No.10 ")
    row = win.list_model.row_of(win.current_id)
    assert listed.rows == [row] and win.list_model.index(row, 3).data() == "達成"
    # the history shows the save; typing goes on in the form untouched
    assert any(
        win.history_model.index(r, 5).data() == "計画達成状況"
        for r in range(win.history_model.rowCount())
    )
    win.close()


def test_a_search_keystroke_filters_once_typing_pauses(qtbot, open_window, db_path, settings):
    win = open_window(db_path, settings, secretariat=True)
    tree = _Spy(win.tree_model, text=True)
    type_text(qtbot, win.filters.search, "drone")
    assert tree.resets == 0  # not on every keystroke
    win.filters.search.clear()
    type_text(qtbot, win.filters.search, "ドローン")
    qtbot.waitUntil(lambda: tree_numbers(win) == ["No.5"], timeout=5000)
    assert tree.resets <= 2
    win.close()
