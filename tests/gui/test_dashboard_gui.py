"""The 見える化 tab: open it, click a bar segment, open a measure from the list, copy the table."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.dashboard import OVERALL
from kanazawa_desktop.printing.charts import Hit
from kanazawa_desktop.services.desk import Desk

SHOTS = os.environ.get("KANAZAWA_DASH_SHOTS")  # a folder: the screenshots are written there


def _secretariat_db(tmp_path: Path) -> Path:
    db = tmp_path / "desk.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
        two = next(m for m in d.measures() if m.number == 2)
        d.save(two.id, {(2025, F.STATUS): "not_achieved"})
        one = next(m for m in d.measures() if m.number == 1)
        d.save(one.id, {(2025, F.STATUS): "achieved", (2026, F.RESULT_TEXT): "実施した"})
    return db


def _show_dashboard(qtbot, win):
    qtbot.keyClick(win, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert win.tabs.currentWidget() is win.dashboard
    qtbot.waitUntil(
        lambda: win.dashboard.board is not None and not win.dashboard.stale, timeout=20_000
    )
    return win.dashboard


def _policy_of(win, number):
    nodes = {n.id: n for n in win.desk.nodes()}
    row = next(r for r in win.desk.rows() if r.number == number)
    n = nodes[row.node_id]
    while n.parent_id is not None:
        n = nodes[n.parent_id]
    return n.label, row.id


def test_click_a_segment_lists_its_measures_and_opens_one(tmp_path, open_window, settings, qtbot):
    win = open_window(_secretariat_db(tmp_path), settings)
    win.resize(1280, 800)
    view = _show_dashboard(qtbot, win)
    board = view.board
    policy, two = _policy_of(win, 2)
    row = [g.label for g in board.status].index(policy)
    column = board.years.index(2025)
    seg = next(
        i for i, s in enumerate(board.status[row].bars[2025].segments) if s.key == "not_achieved"
    )
    hit = Hit(row, column, seg)
    qtbot.waitUntil(lambda: view.status_grid.segment_center(hit) is not None, timeout=10_000)
    center = view.status_grid.segment_center(hit).toPoint()
    qtbot.mouseClick(view.status_grid, Qt.MouseButton.LeftButton, pos=center)
    assert len(view.picked_labels()) == 1
    assert view.picked_labels()[0].startswith("No.2 ")
    assert "未達成" in view.picked_title.text() and policy in view.picked_title.text()
    item_rect = view.picked.visualRect(view.picked_model.index(0))
    # a person's double-click: press, release, then the double-click event
    qtbot.mouseClick(view.picked.viewport(), Qt.MouseButton.LeftButton, pos=item_rect.center())
    qtbot.mouseDClick(view.picked.viewport(), Qt.MouseButton.LeftButton, pos=item_rect.center())
    assert win.tabs.currentIndex() == 0
    assert win.form.measure is not None and win.form.measure.id == two


def test_copy_as_table_puts_the_numbers_on_the_clipboard(tmp_path, open_window, settings, qtbot):
    win = open_window(_secretariat_db(tmp_path), settings)
    view = _show_dashboard(qtbot, win)
    QApplication.clipboard().clear()
    qtbot.mouseClick(view.copy_button, Qt.MouseButton.LeftButton)
    text = QApplication.clipboard().text()
    lines = text.splitlines()
    assert lines[0].startswith("計画達成状況")
    assert lines[1].split("\t") == ["方針", "年度", "達成", "未達成", "未確定", "計", "達成率"]
    r7 = next(line.split("\t") for line in lines if line.startswith(f"{OVERALL}\tR7\t"))
    assert r7[2:4] == ["1", "1"] and r7[-1] == "50.0%"
    assert "回収状況" in text


def test_a_saved_status_redraws_when_shown_again(tmp_path, open_window, settings, qtbot):
    win = open_window(_secretariat_db(tmp_path), settings)
    view = _show_dashboard(qtbot, win)
    assert view.board.status[0].bars[2024].count("achieved") == 0
    win.tabs.setCurrentIndex(0)
    three = next(r.id for r in win.desk.rows() if r.number == 3)
    win.desk.save(three, {(2024, F.STATUS): "achieved"})
    win.broadcast()
    assert view.stale and view.board.status[0].bars[2024].count("achieved") == 0  # hidden: later
    _show_dashboard(qtbot, win)
    assert view.board.status[0].bars[2024].count("achieved") == 1
    board = view.board
    win.desk.save(three, {(2024, F.PLAN_TEXT): "計画の文"})
    win.broadcast()  # a text no chart counts: nothing recomputed
    assert not view.stale and view.board is board
    win.desk.save(three, {(2024, F.STATUS): "not_achieved"})
    win.broadcast()  # shown: redrawn at once
    qtbot.waitUntil(
        lambda: view.board.status[0].bars[2024].count("not_achieved") == 1, timeout=10_000
    )


def test_indicator_page_draws_the_chosen_indicator(tmp_path, open_window, settings, qtbot):
    win = open_window(_secretariat_db(tmp_path), settings)
    view = _show_dashboard(qtbot, win)
    view.pages.setCurrentIndex(1)
    assert view.indicator_model.rowCount() == len(view.board.indicators) > 0
    view.choose_indicator(1)
    assert view.indicator_chart.chart.view is view.board.indicators[1]
    view.copy_table()
    lines = QApplication.clipboard().text().splitlines()
    assert lines[1].split("\t") == ["年度", "目標", "実績値", "判定"]
    assert len(lines) == 2 + len(view.board.years)


@pytest.mark.parametrize("plan", ["gyosei_keiei", "sogo_senryaku_3", "digital_2"])
@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_nothing_is_cut_off(tmp_path, open_window, settings, qtbot, plan, size):
    """Every chart fits its width, and the window grabs (written out with KANAZAWA_DASH_SHOTS)."""
    win = open_window(_secretariat_db(tmp_path), settings)
    win.switch_plan(plan)
    win.resize(*size)
    view = _show_dashboard(qtbot, win)
    for grid in (view.status_grid, view.verdict_grid, view.collection_grid):
        assert grid.grid is not None and grid.height() >= grid.grid.height_for(grid.width())
    if SHOTS:
        qtbot.wait(50)
        win.grab().save(str(Path(SHOTS) / f"dash_{plan}_{size[0]}.png"))
        view.pages.setCurrentIndex(1)
        qtbot.wait(50)
        win.grab().save(str(Path(SHOTS) / f"dash_{plan}_{size[0]}_indicator.png"))


def test_building_the_tab_keeps_the_window_active(tmp_path, open_window, settings, qtbot):
    """No part of the tab is shown before it has a parent (it would be a window of its own
    for a moment and take the activation: Ctrl+F then went nowhere after a plan switch)."""
    win = open_window(_secretariat_db(tmp_path), settings, activate=True)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=10_000)
    win.switch_plan("digital_2")
    qtbot.wait(50)
    assert QApplication.activeWindow() is win
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert win.filters.search.hasFocus()
