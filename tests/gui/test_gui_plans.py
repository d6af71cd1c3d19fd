"""The plan switcher, driven as the secretariat would: choose the other plan, see its own
levels, years and item with its details, enter a result there, come back; the last plan used
reopens."""

from __future__ import annotations

import pytest
from gui_helpers import select_measure, tree_numbers
from plan_helpers import second_plan
from PySide6.QtCore import Qt
from test_gui import type_text

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.services.desk import PLAN_CODE, Desk
from kanazawa_desktop.store.plan_loader import load_plan


@pytest.fixture
def two_plan_db(db_path):
    with Desk.open(db_path) as d:
        d.set_role(secretariat=True)
        load_plan(d.db, second_plan())
    return db_path


def _choose(qtbot, win, name):
    box = win.plan_box
    qtbot.waitUntil(box.isVisible, timeout=5000)  # rebuilt by a switch: shown by the event loop
    i = box.findText(name)
    assert i >= 0, [box.itemText(k) for k in range(box.count())]
    box.setCurrentIndex(i)
    box.activated.emit(i)  # what a click on the item sends


def test_switching_plans_shows_each_plans_own_items_years_and_details(
    qtbot, open_window, two_plan_db, settings
):
    win = open_window(two_plan_db, settings)
    assert win.desk.plan.code == PLAN_CODE
    assert "No.86" in tree_numbers(win)
    _choose(qtbot, win, "試験用の子育て計画")
    assert win.desk.plan.code == "sogo_test"
    assert "試験用の子育て計画" in win.windowTitle()
    assert tree_numbers(win) == ["No.1", "No.2"]
    form = win.form
    assert [h.text().removesuffix("（今年度）") for h in form.year_headers] == [
        f"令和{n}年度" for n in range(6, 11)
    ]
    assert form.measure.key == "1-1-①"
    assert "【具体的な事業】" in form.details_label.text()
    assert "産後ケアの実施" in form.details_label.text()
    # a result entered in this plan lands in this plan
    e = form.editors[(2024, F.RESULT_TEXT)]
    qtbot.mouseClick(e.edit.viewport(), Qt.MouseButton.LeftButton)
    type_text(qtbot, e.edit, "11地区で開設")
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert win.desk.measure(form.measure.id).year(2024).result_text == "11地区で開設"
    # the 一覧 has the plan's five years
    lm = win.list_model
    heads = [lm.headerData(c, Qt.Orientation.Horizontal) for c in range(lm.columnCount())]
    assert heads[-5:] == ["R6", "R7", "R8", "R9", "R10"]
    win.close()

    again = open_window(two_plan_db, settings)  # the last plan used reopens
    assert again.desk.plan.code == "sogo_test"
    assert again.plan_box.currentText() == "試験用の子育て計画"
    _choose(qtbot, again, again.plan_box.itemText(0))  # and back to the 行政経営プラン
    assert again.desk.plan.code == PLAN_CODE
    assert [h.text().removesuffix("（今年度）") for h in again.form.year_headers] == [
        f"令和{n}年度" for n in range(5, 9)
    ]
    assert again.form.details_label.isHidden()
    again.close()


def test_one_plan_shows_no_switcher(qtbot, open_window, db_path, settings):
    win = open_window(db_path, settings, secretariat=True)
    if len(win.desk.plans()) == 1:
        assert not win.plan_box.isVisible()
    else:  # the bundled plans are all there: the switcher offers them
        assert win.plan_box.count() == len(win.desk.plans())
    win.close()


def test_the_secretariat_assigns_departments_from_a_table_and_undoes_it(
    qtbot, open_window, db_path, settings, tmp_path
):
    from gui_helpers import when_modal
    from plan_helpers import table
    from PySide6.QtWidgets import QMessageBox

    from kanazawa_desktop.ui.assign_action import assign_from

    win = open_window(db_path, settings, secretariat=True)
    _choose(qtbot, win, "第3次金沢版総合戦略")  # the bundled plan: no department yet
    f = table(tmp_path / "a.xlsx", [("No.1", "", "こども未来課"), ("No.2", "", "こども未来課")])
    asked = []

    def yes(box):
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(qtbot, QMessageBox, yes)
    assert assign_from(win, f)
    assert "2件の担当課を変更します" in asked[0]
    assert [r.departments for r in win.desk.rows()[:2]] == [("こども未来課",)] * 2
    win.form.load(win.desk.rows()[0].id)
    assert win.form.editors[(None, "departments")].value() == ["こども未来課"]
    win.activateWindow()  # the question box has gone: the window has the keyboard again
    qtbot.waitUntil(win.isActiveWindow, timeout=10_000)
    qtbot.keyClick(win.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one undo
    assert all(not r.departments for r in win.desk.rows())
    win.close()


def test_an_item_of_each_later_bundled_plan_in_the_window(qtbot, open_window, db_path, settings):
    """デジタル戦略 No.1: 施策管理票, 目指すべき姿 and no 概要/関連計画/行政資源, its KPI judged
    live and saved; 総合戦略 No.7: 概要, its two KPIs, 具体的な事業; each back after a restart."""
    from PySide6.QtWidgets import QLabel

    win = open_window(db_path, settings, secretariat=True)
    _choose(qtbot, win, "金沢市デジタル戦略2.0")
    assert win.tabs.tabText(0) == "施策管理票"
    assert "施策一覧" in [win.tabs.tabText(i) for i in range(win.tabs.count())]
    form = win.form
    captions = [w.text() for w in form.findChildren(QLabel, "caption") if not w.isHidden()]
    assert "目指すべき姿" in captions
    assert not {"めざす姿", "概要", "関連計画", "確保する行政資源"} & set(captions)
    assert (None, "summary") not in form.editors and (None, "related_plans") not in form.editors
    assert "行かなくてもいい市役所に" in form.editors[(None, "vision")].value()
    kpi = form.measure.indicators[0]
    assert kpi.name == "行政手続きのオンライン化率"
    e = form.editors[(2021, F.ACTUAL)]
    qtbot.mouseClick(e.edit, Qt.MouseButton.LeftButton)
    type_text(qtbot, e.edit, "85%")
    qtbot.keyClick(e.edit, Qt.Key.Key_Tab)
    verdict = form.findChild(QLabel, f"verdict_{kpi.key}_2021")
    assert verdict.text() == "達成"  # 80% or more, before saving
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert win.desk.measure(form.measure.id).actuals[kpi.key] == {2021: 85.0}

    _choose(qtbot, win, "第3次金沢版総合戦略")
    assert win.tabs.tabText(0) == "取組管理票"
    select_measure(qtbot, win, 7)
    form = win.form
    assert form.measure.name == "豊かな情操を育む環境の充実"
    captions = [w.text() for w in form.findChildren(QLabel, "caption") if not w.isHidden()]
    assert "概要" in captions and "めざす姿" not in captions and "目指すべき姿" not in captions
    assert [h.text() for h in form.year_headers][0] == "令和6年度"
    assert len(form.measure.indicators) == 2
    assert "【具体的な事業】" in form.details_label.text()
    win.close()

    again = open_window(db_path, settings)  # the last plan used reopens, the value kept
    assert again.desk.plan.code == "sogo_senryaku_3"
    with again.desk.on_plan("digital_2"):
        assert again.desk.measures()[0].actuals[kpi.key] == {2021: 85.0}
    again.close()
