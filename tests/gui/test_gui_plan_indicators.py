"""計画の数値目標…: the secretariat types the actual of a 基本目標's 数値目標 (総合戦略) and
sees it saved, judged and in the history; a bad value is said once, in place; Ctrl+Z in the
dialog undoes it; a department sees them read-only; the デジタル戦略's plan KPIs are there."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel
from test_gui import type_text

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.ui.plan_indicators_dialog import PlanIndicatorsDialog


def _item(desk, key):
    return next(i for g in desk.plan_indicators() for i in g.items if i.indicator.key == key)


def _open(win):
    act = win.findChild(type(win.act_undo), "actPlanIndicators")
    assert act is not None and act.isEnabled()
    act.trigger()
    dlg = win.plan_indicators_dialog
    assert isinstance(dlg, PlanIndicatorsDialog) and dlg.isVisible()
    return dlg


def _editor(dlg, iid, fy, kind="actual"):
    e = dlg.findChild(
        type(dlg.blocks[0].editors[next(iter(dlg.blocks[0].editors))]), f"plan_{iid}_{kind}_{fy}"
    )
    assert e is not None
    return e


def test_the_secretariat_enters_a_goal_actual_and_sees_it_judged_and_recorded(
    qtbot, secretariat_window
):
    win = secretariat_window
    win.switch_plan("sogo_senryaku_3")
    dlg = _open(win)
    assert [b.group.owner for b in dlg.blocks] == [f"基本目標{n}" for n in (1, 2, 3, 4)]
    assert dlg.findChild(QLabel, "target_GOAL-1-1_2024").text() == "目標 59%（令和10年度末まで）"
    assert dlg.findChild(QLabel, "target_GOAL-1-2_2024").text().startswith("目標は設定予定（国の")
    goal = _item(win.desk, "GOAL-1-1")  # 47.5% (R5) -> 59% by the end of R10
    e = _editor(dlg, goal.id, 2028)
    qtbot.mouseClick(e.edit, Qt.MouseButton.LeftButton)
    type_text(qtbot, e.edit, "60%")
    verdict = dlg.findChild(QLabel, "verdict_GOAL-1-1_2028")
    assert verdict.text() == "達成"  # live, before it is saved
    qtbot.keyClick(e.edit, Qt.Key.Key_Return)
    assert dlg.isVisible()  # Return saves the field; it does not close the dialog
    assert _item(win.desk, "GOAL-1-1").actuals == {2028: 60.0}
    assert dlg.history_model.rowCount() == 1
    row = [dlg.history_model.index(0, c).data() for c in range(8)]
    assert row[4:] == [
        "令和10年度",
        "実績値（子どもを産み育てやすい環境が整っていると感じる市民の割合）",
        "",
        "60",
    ]
    # a value in another unit: said once at the foot, the field tinted, nothing written
    bad = _editor(dlg, goal.id, 2027)
    qtbot.mouseClick(bad.edit, Qt.MouseButton.LeftButton)
    type_text(qtbot, bad.edit, "55件")
    qtbot.keyClick(bad.edit, Qt.Key.Key_Return)
    assert dlg.message.isVisible() and "単位" in dlg.message.text()
    assert "令和9年度" in bad.edit.toolTip() and bad.edit.text() == "55件"
    assert _item(win.desk, "GOAL-1-1").actuals == {2028: 60.0}
    bad.edit.clear()
    qtbot.keyClick(bad.edit, Qt.Key.Key_Return)
    assert not dlg.message.isVisible()
    # Ctrl+Z in the dialog undoes the save through the window's undo stack
    qtbot.keyClick(dlg, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _item(win.desk, "GOAL-1-1").actuals == {}
    assert e.edit.text() == "" and dlg.history_model.rowCount() == 2
    assert "計画の数値目標" in win.statusBar().currentMessage()


def test_the_digital_strategys_plan_kpis_are_listed_under_their_group(qtbot, secretariat_window):
    win = secretariat_window
    win.switch_plan("digital_2")
    dlg = _open(win)
    assert [(b.group.owner, b.group.title) for b in dlg.blocks] == [
        ("計画全体", "市民サービスの向上")
    ]
    kpi = _item(win.desk, "KPI-4")  # 700人 (R3), 1,500人 (R4)
    e = _editor(dlg, kpi.id, 2021)
    qtbot.mouseClick(e.edit, Qt.MouseButton.LeftButton)
    type_text(qtbot, e.edit, "650")
    qtbot.keyClick(e.edit, Qt.Key.Key_Return)
    assert dlg.findChild(QLabel, "verdict_KPI-4_2021").text() == "未達成"
    assert _item(win.desk, "KPI-4").actuals == {2021: 650.0}


def test_a_plan_without_them_says_so(qtbot, secretariat_window):
    win = secretariat_window
    win.findChild(type(win.act_undo), "actPlanIndicators").trigger()
    assert getattr(win, "plan_indicators_dialog", None) is None
    assert "数値目標はありません" in win.statusBar().currentMessage()


def test_a_department_sees_them_read_only(qtbot, tmp_path, open_window):
    db = tmp_path / "d.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
        d.use_plan("sogo_senryaku_3")
        goal = _item(d, "GOAL-3-2")
        d.save_plan_indicators({(goal.id, 2024, F.ACTUAL): 1200})
        d.set_role(department="財政課", force=True)
    win = open_window(db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    win.switch_plan("sogo_senryaku_3")
    dlg = _open(win)
    e = _editor(dlg, goal.id, 2024)
    assert e.edit.isReadOnly() and e.edit.text() == "1200"
    assert "閲覧のみ" in dlg.findChild(QLabel, "intro").text()
    qtbot.mouseClick(e.edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(e.edit, "9")
    dlg.close()
    assert _item(win.desk, "GOAL-3-2").actuals == {2024: 1200.0}
