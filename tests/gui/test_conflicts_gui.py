"""回収状況 as a worklist in the window: double-click a department to see its open conflicts,
settle them by a click, undo a department's return later."""

from __future__ import annotations

import os

import pytest
from exchange_helpers import fill
from gui_helpers import measure_id as mid
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.ui import exchange_actions
from kanazawa_desktop.ui.conflicts_dialog import ConflictsDialog

pytestmark = pytest.mark.gui


def value(desk, number, fy=2023, field="result_text"):
    return getattr(desk.measure(mid(desk, number)).year(fy), field)


@pytest.fixture
def returned(secretariat_window, tmp_path):
    """人事課's return applied with two conflicts left open on No.7 and one change on No.10."""
    desk = secretariat_window.desk
    out = X.export_workbook(desk, tmp_path / "jinji.xlsx", "人事課").path
    desk.save(mid(desk, 7), {(2023, "result_text"): "事務局の修正", (2023, "status"): "未達成"})
    fill(
        out,
        {
            ("No.7", "R5", "result"): "課の記入",
            ("No.7", "R5", "status"): "達成",
            ("No.10", "R5", "result"): "課の記入2",
        },
    )
    [pv] = X.preview_import(desk, [out])
    X.apply_import(desk, pv)
    return secretariat_window


def _row(dlg, department: str) -> int:
    row = dlg.view_row(department)
    assert row >= 0, department
    return row


def _state(dlg, department: str) -> str:
    return dlg.cell(_row(dlg, department), 2)


def test_double_click_a_department_and_settle_its_conflicts(qtbot, returned, tmp_path):
    desk = returned.desk
    dlg = exchange_actions.open_status(returned)
    qtbot.waitExposed(dlg)
    assert _state(dlg, "人事課") == "競合あり"
    table = dlg.table
    index = table.model().index(_row(dlg, "人事課"), 1)
    table.scrollTo(index)
    rect = table.visualRect(index)
    # a person's double-click: press, release, then the double-click event
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: dlg.findChild(ConflictsDialog) is not None, timeout=5000)
    worklist = dlg.findChild(ConflictsDialog)
    qtbot.waitExposed(worklist)
    assert worklist.department == "人事課" and worklist.table.rowCount() == 2
    assert [worklist.table.item(r, 6).text() for r in range(2)] == ["実施結果", "計画達成状況"]
    assert "課の記入" in worklist.detail.toPlainText()
    shot = tmp_path / "worklist.png"
    worklist.grab().save(str(shot))
    if os.environ.get("KD_SHOTS"):
        worklist.grab().save(os.path.join(os.environ["KD_SHOTS"], "conflicts_worklist.png"))
    assert shot.stat().st_size > 0

    worklist.table.setCurrentCell(0, 0)
    qtbot.mouseClick(worklist.findChild(QPushButton, "takeFile"), Qt.MouseButton.LeftButton)
    assert value(desk, 7) == "課の記入"
    assert worklist.table.rowCount() == 1 and _state(dlg, "人事課") == "競合あり"
    qtbot.mouseClick(worklist.findChild(QPushButton, "keepMaster"), Qt.MouseButton.LeftButton)
    assert value(desk, 7, field="status") == "not_achieved"
    assert worklist.table.rowCount() == 0 and "ありません" in worklist.summary.text()
    assert _state(dlg, "人事課") == "回収済"  # 競合あり is gone
    if os.environ.get("KD_SHOTS"):
        dlg.grab().save(os.path.join(os.environ["KD_SHOTS"], "status_after.png"))
    worklist.close()
    dlg.close()


def test_a_return_is_undone_later_from_the_status(qtbot, returned):
    desk = returned.desk
    dlg = exchange_actions.open_status(returned)
    qtbot.waitExposed(dlg)
    dlg.table.setCurrentIndex(dlg.table.model().index(_row(dlg, "人事課"), 1))
    undo = dlg.findChild(QPushButton, "undoStatusImport")
    assert undo.isEnabled()
    # a later edit of a field the import wrote: refused, with the reason
    desk.save(mid(desk, 10), {(2023, "result_text"): "事務局が後から修正"})
    box = dlg.undo_import()
    assert "取り消せません" in box.text() and "No.10 R5 実施結果" in box.text()
    box.close()
    desk.undo()  # that edit undone: now the import can be
    box = dlg.undo_import()
    assert box.objectName() == "confirmUndoImport" and "No.10 R5 実施結果" in box.informativeText()
    go = next(b for b in box.buttons() if b.text() == "取り消す")
    qtbot.mouseClick(go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _state(dlg, "人事課") == "未回収", timeout=5000)
    assert value(desk, 10) == ""
    assert not undo.isEnabled()
    dlg.close()


def test_the_worklist_of_every_conflict_is_settled_by_a_typed_value(qtbot, returned, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    desk = returned.desk
    dlg = exchange_actions.open_status(returned)
    worklist = dlg.open_conflicts()  # the button: every open conflict of the plan
    assert worklist.department is None and worklist.table.rowCount() == 2
    worklist.table.setCurrentCell(1, 0)
    answers = iter([("達成済み", True), ("達成", True)])
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: next(answers))
    qtbot.mouseClick(worklist.findChild(QPushButton, "typeValue"), Qt.MouseButton.LeftButton)
    notice = worklist.findChild(QMessageBox, "notice")
    assert notice is not None and "計画達成状況" in notice.text()  # refused, nothing changed
    notice.close()
    assert worklist.table.rowCount() == 2 and value(desk, 7, field="status") == "not_achieved"
    qtbot.mouseClick(worklist.findChild(QPushButton, "typeValue"), Qt.MouseButton.LeftButton)
    assert value(desk, 7, field="status") == "achieved" and worklist.table.rowCount() == 1
    worklist.close()
    dlg.close()
