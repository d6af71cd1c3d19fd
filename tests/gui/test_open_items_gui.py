"""Open items in the window: a bad value of a return is a 要修正 row of the import preview,
corrected there (checked like a save) or left open for the worklist."""

from __future__ import annotations

import pytest
from exchange_helpers import fill
from gui_helpers import apply_import
from gui_helpers import measure_id as mid
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.ui import exchange_actions
from kanazawa_desktop.ui.status_model import COL_CONFLICTS, COL_STATE

pytestmark = pytest.mark.gui

DEPT = "デジタル行政戦略課"


def year(desk, number, fy=2023):
    return desk.measure(mid(desk, number)).year(fy)


def test_a_bad_value_is_corrected_in_the_preview_and_one_left_for_the_worklist(
    qtbot, secretariat_window, tmp_path
):
    window = secretariat_window
    desk = window.desk
    out = X.export_workbook(desk, tmp_path / "digi.xlsx", DEPT).path
    fill(
        out,
        {
            ("No.1", "R5", "actual"): "38名",
            ("No.15", "R5", "status"): "達成済み",
            ("No.22", "R5", "result"): "よい値",
        },
    )
    dlg = exchange_actions.open_import(window)
    dlg.add_files([out])
    qtbot.mouseClick(dlg.findChild(QPushButton, "previewImport"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dlg.previews) == 1, timeout=15000)
    assert "要修正 2" in dlg.files.item(0).text() and "要修正 2件" in dlg.summary.text()
    t = dlg.table
    kinds = [t.item(r, 0).text() for r in range(t.rowCount())]
    assert kinds == ["要修正", "要修正", "反映"]
    assert "No.1 R5 実績値" in t.item(0, 1).text() and "単位「名」" in t.item(0, 1).text()
    assert t.item(0, 3).text() == "38名" and t.item(1, 3).text() == "達成済み"
    assert t.item(0, 0).background().color().name() != t.item(2, 0).background().color().name()
    assert not t.isColumnHidden(4)
    dlg.resize(1300, 640)
    dlg.grab().save(str(tmp_path / "open_items.png"))

    fix = t.cellWidget(0, 4)
    assert isinstance(fix, QLineEdit)
    fix.setText("三十八")  # (QTest cannot type kanji offscreen)
    fix.editingFinished.emit()
    assert "修正値" in dlg.summary.text() and fix.styleSheet()  # refused in place
    fix.clear()
    qtbot.keyClicks(fix, "38")
    fix.editingFinished.emit()
    assert not fix.styleSheet()

    seen: list[str] = []
    apply_import(qtbot, dlg, seen=seen)
    qtbot.waitUntil(lambda: bool(dlg.applied), timeout=15000)
    assert seen == [
        "1 件のファイルを反映します: 変更 2 件、要修正 1 件は反映せず未解決として残します。"
    ]
    assert year(desk, 1).actual == 38 and year(desk, 22).result_text == "よい値"
    assert year(desk, 15).status.value == ""  # left as the master has it
    assert "要修正 1件" in dlg.summary.text()
    dlg.close()

    status = exchange_actions.open_status(window)
    row = status.view_row(DEPT)
    assert status.cell(row, COL_STATE) == "競合あり"
    assert "不正な値 入力!G" in status.cell(row, COL_CONFLICTS)
    worklist = status.open_conflicts()
    assert "うち不正な値 1件" in worklist.summary.text()
    rows = worklist.table
    assert rows.rowCount() == 1 and rows.item(0, 1).text() == "不正な値"
    assert rows.item(0, 8).text() == "達成済み"
    rows.setCurrentCell(0, 0)
    assert not worklist.findChild(QPushButton, "takeFile").isEnabled()
    assert "選択肢" in worklist.detail.toPlainText()
    worklist.resize(1100, 500)
    worklist.grab().save(str(tmp_path / "worklist.png"))
    qtbot.mouseClick(worklist.findChild(QPushButton, "keepMaster"), Qt.MouseButton.LeftButton)
    assert rows.rowCount() == 0
    worklist.close()
    status.close()
