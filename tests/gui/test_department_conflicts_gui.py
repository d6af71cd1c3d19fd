"""A department PC's own worklist: ファイル → 未解決の競合… lists what a sync of the secretariat's
workbook left open, in the department's words, and settles it by a click."""

from __future__ import annotations

import pytest
from exchange_helpers import synced_pcs
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import Desk

pytestmark = pytest.mark.gui


def mid(desk, number):
    return next(m.id for m in desk.measures() if m.number == number)


def test_a_department_settles_a_sync_conflict_from_the_file_menu(
    qtbot, open_window, tmp_path, settings
):
    master_db, dept_db = synced_pcs(tmp_path)
    with Desk.open(dept_db) as dept:
        dept.save(mid(dept, 7), {(2023, "result_text"): "課の記入（未送付）"})
    with Desk.open(master_db) as sec:
        sec.save(mid(sec, 7), {(2023, "result_text"): "事務局の記入"})
        second = X.export_workbook(sec, tmp_path / "m2.xlsx").path
    with Desk.open(dept_db) as dept:
        [pv] = X.preview_import(dept, [second])
        X.apply_import(dept, pv)  # the conflict is left open
    win = open_window(dept_db, settings)
    act = next(a for a in win.file_menu.actions() if a.objectName() == "actConflicts")
    assert act.isEnabled() and act.text() == "未解決の競合…"
    act.trigger()
    dlg = win.conflicts_dialog
    qtbot.waitExposed(dlg)
    headers = [dlg.table.horizontalHeaderItem(c).text() for c in range(dlg.table.columnCount())]
    assert "このPCの値" in headers and "事務局のブックの値" in headers
    assert dlg.table.rowCount() == 1
    dlg.table.setCurrentCell(0, 0)
    take = dlg.findChild(QPushButton, "takeFile")
    assert take.text() == "事務局のブックの値にする"
    qtbot.mouseClick(take, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.table.rowCount() == 0, timeout=5000)
    assert win.desk.measure(mid(win.desk, 7)).year(2023).result_text == "事務局の記入"
    dlg.close()
