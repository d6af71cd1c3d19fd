"""The form's indicator table, driven as 財政課 and 文書法制課 would: type an actual, see the
judgement, choose a status the numbers contradict and see the warning, save and find it all in
the database and its history."""

from __future__ import annotations

from gui_helpers import select_measure
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from test_gui import type_text

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.status import Status


def _type(qtbot, win, key, text):
    e = win.form.editors[key]
    qtbot.mouseClick(e.edit, Qt.MouseButton.LeftButton)
    e.edit.selectAll()
    type_text(qtbot, e.edit, text)
    qtbot.keyClick(e.edit, Qt.Key.Key_Tab)


def _label(win, name) -> str:
    return win.form.findChild(QLabel, name).text()


def test_no86_shows_its_five_indicators_judges_them_and_warns(
    qtbot, open_window, db_path, settings
):
    win = open_window(db_path, settings, department="財政課")
    select_measure(qtbot, win, 86)
    form = win.form
    m = form.measure
    assert [i.key for i in m.indicators] == [f"No.86-{n}" for n in range(1, 6)]
    # every indicator's target per year, as the plan states it
    assert _label(win, "target_No.86-1_2023") == "目標 10%未満"
    assert _label(win, "target_No.86-4_2024") == "目標 中核市平均以下"
    # the first indicator keeps the plain 実績値; the others, and the outside figure, their own
    assert (2023, F.ACTUAL) in form.editors
    assert (2023, "actual:No.86-4") in form.editors and (2023, "figure:No.86-4") in form.editors
    assert _label(win, "verdict_No.86-1_2023") == "未入力"

    _type(qtbot, win, (2023, F.ACTUAL), "9.8")
    assert _label(win, "verdict_No.86-1_2023") == "達成"  # live, before saving
    _type(qtbot, win, (2023, "actual:No.86-4"), "95.2%")
    assert _label(win, "verdict_No.86-4_2023") == "判定不可"  # 中核市平均 not entered yet
    _type(qtbot, win, (2023, "figure:No.86-4"), "９３．１")
    assert _label(win, "verdict_No.86-4_2023") == "未達成"
    for key in ("No.86-2", "No.86-3", "No.86-5"):
        _type(qtbot, win, (2023, f"actual:{key}"), "0")
    # the person chooses 達成; the numbers say 未達成 (経常収支比率 above the average)
    status = form.editors[(2023, F.STATUS)].combo
    status.setCurrentIndex(status.findData(Status.ACHIEVED.value))
    warning = form.derived_labels[2023]
    assert warning.text().startswith("⚠") and "未達成" in warning.text()
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    saved = win.desk.measure(m.id)
    assert saved.actuals["No.86-1"][2023] == 9.8
    assert saved.actuals["No.86-4"][2023] == 95.2
    assert saved.figures["No.86-4"][2023] == 93.1
    assert saved.year(2023).status is Status.ACHIEVED  # the person's choice stands
    fields = {h.field for h in win.desk.history(m.id)}
    assert {"actual", "actual:No.86-4", "figure:No.86-4", "status"} <= fields
    # the history tab names each indicator, not its key
    win.tabs.setCurrentIndex(1)  # 変更履歴
    hm = win.history_model
    shown = {hm.index(r, 5).data() for r in range(hm.rowCount())}
    assert {
        "実績値（経常収支比率）",
        "比較する数値（経常収支比率）",
        "実績値（実質公債費比率）",
    } <= shown
    # the 一覧 marks the year where the chosen status and the numbers disagree
    win.tabs.setCurrentIndex(2)
    lm = win.list_model
    row = next(r for r in range(lm.rowCount()) if lm.index(r, 0).data() == "86")
    cells = [lm.index(row, c) for c in range(lm.columnCount())]
    r5 = next(i for i in cells if lm.headerData(i.column(), Qt.Orientation.Horizontal) == "R5")
    assert r5.data() == "達成※"
    assert r5.data(Qt.ItemDataRole.ToolTipRole) == "数値の判定は「未達成」です"
    # the warning is still there after the save, and goes when the choice agrees
    assert form.derived_labels[2023].text().startswith("⚠")
    status.setCurrentIndex(status.findData(Status.NOT_ACHIEVED.value))
    assert form.derived_labels[2023].text() == "未達成"
    win.close()


def test_a_percent_typed_as_excel_shows_it_is_judged_and_saved(
    qtbot, open_window, db_path, settings
):
    win = open_window(db_path, settings, department="文書法制課")
    select_measure(qtbot, win, 9)
    m = win.form.measure
    assert m.indicator.unit == "%"
    _type(qtbot, win, (2023, F.ACTUAL), "98.45%")
    assert _label(win, "verdict_No.9_2023") == "未達成"  # 100%以上
    _type(qtbot, win, (2024, F.ACTUAL), "１００％")
    assert _label(win, "verdict_No.9_2024") == "達成"
    _type(qtbot, win, (2025, F.ACTUAL), "98件")  # another unit: refused in place, once
    assert "単位" in win.form.editors[(2025, F.ACTUAL)].edit.toolTip()
    assert win.form.derived_labels[2025].text() == "数値を確認してください"
    saved = win.desk.measure(m.id)
    assert saved.actuals["No.9"] == {2023: 98.45, 2024: 100.0}
    win.close()


def test_a_measure_without_indicators_shows_no_indicator_rows(
    qtbot, open_window, db_path, settings
):
    win = open_window(db_path, settings, secretariat=True)
    select_measure(qtbot, win, 86)
    assert any(k[1].startswith("actual:") for k in win.form.editors)
    select_measure(qtbot, win, 10)  # not a 【数値目標】
    assert not win.form.measure.indicators
    assert not any(F.split_series(k[1]) or k[1] == F.ACTUAL for k in win.form.editors)
    assert not win.form.indicator_label.isVisible()
    win.close()


def test_the_secretariat_defines_an_indicator_in_the_table_and_enters_against_it(
    qtbot, open_window, db_path, settings
):
    from gui_helpers import when_modal
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

    from kanazawa_desktop.ui.indicator_dialog import (
        COL_BETTER,
        COL_NAME,
        COL_UNIT,
        FIXED,
        IndicatorDialog,
    )

    win = open_window(db_path, settings, secretariat=True)
    select_measure(qtbot, win, 10)
    m = win.form.measure
    win.desk.save(m.id, {(None, "numeric"): True})  # made a 【数値目標】, with nothing to count yet
    win.form.load(m.id)
    assert win.form.define_button.isVisible() and not win.form.measure.indicators

    def edit(cell_text):
        def act(dlg):
            t = dlg.table
            qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
            for col, text in ((COL_NAME, "相談件数"), (COL_UNIT, "件"), (len(FIXED), cell_text)):
                t.setCurrentCell(0, col)
                t.editItem(t.item(0, col))
                editor = t.focusWidget()
                type_text(qtbot, editor, text)
                qtbot.keyClick(editor, Qt.Key.Key_Return)
            t.cellWidget(0, COL_BETTER).setCurrentIndex(1)  # 増加が良い
            ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
            qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

        return act

    said = []

    def read_and_close(box):
        said.append(box.text())
        box.close()
        for w in QApplication.topLevelWidgets():  # then give up on the dialog: Cancel
            if isinstance(w, IndicatorDialog) and w.isVisible():
                QTimer.singleShot(0, w.reject)

    # a target that says nothing countable: told why, in the dialog, nothing saved
    when_modal(qtbot, IndicatorDialog, edit("たくさん"), closes=False)
    when_modal(qtbot, QMessageBox, read_and_close)
    qtbot.mouseClick(win.form.define_button, Qt.MouseButton.LeftButton)
    assert said and "R5" in said[0] and "読めません" in said[0]
    assert not win.desk.measure(m.id).indicators

    when_modal(qtbot, IndicatorDialog, edit("70"))
    qtbot.mouseClick(win.form.define_button, Qt.MouseButton.LeftButton)
    m = win.desk.measure(m.id)
    assert [(i.key, i.name, i.unit) for i in m.indicators] == [("No.10-1", "相談件数", "件")]
    assert _label(win, "target_No.10-1_2023") == "目標 70件"
    win.activateWindow()  # the window is active again once the dialog has gone
    qtbot.waitUntil(win.isActiveWindow, timeout=5_000)
    _type(qtbot, win, (2023, F.ACTUAL), "72件")
    assert _label(win, "verdict_No.10-1_2023") == "達成"
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert win.desk.measure(m.id).actuals == {"No.10-1": {2023: 72.0}}
    assert any(h.field == "indicators" for h in win.desk.history(m.id))
    win.close()


def test_rows_are_kept_from_one_measure_to_the_next_of_the_same_shape(
    qtbot, open_window, db_path, settings
):
    win = open_window(db_path, settings, secretariat=True)
    select_measure(qtbot, win, 1)  # 開発アプリ数, 件
    editor = win.form.editors[(2023, F.ACTUAL)]
    assert _label(win, "target_No.1_2023") == "目標 70件"
    select_measure(qtbot, win, 9)  # 電子決裁率, %: the same shape, the same editors
    assert win.form.editors[(2023, F.ACTUAL)] is editor
    assert _label(win, "target_No.9_2023") == "目標 100%以上"
    assert win.form.indicator_rows.value_captions[0].text() == "実績値（%）"
    assert editor.toolTip() == "電子決裁率"
    win.close()
