"""取組 → 年度の締切と再開…: the secretariat closes a year as a person would; the form turns that
year's boxes read-only and says why; re-opening gives them back."""

from __future__ import annotations

import pytest
from gui_helpers import select_measure, when_modal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QTableWidget

pytestmark = pytest.mark.gui


def _answer(qtbot, text: str):
    def act(box: QMessageBox) -> None:
        button = next(b for b in box.buttons() if b.text() == text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    return act


def test_closing_a_year_makes_it_read_only_in_the_form(qtbot, secretariat_window):
    win = secretariat_window
    select_measure(qtbot, win, 10)
    r5 = win.form.editors[(2023, "result_text")]
    assert not r5.edit.isReadOnly()
    win.findChild(type(win.act_undo), "actFiscalYears").trigger()
    dlg = win.fiscal_years_dialog
    table = dlg.findChild(QTableWidget, "fiscalYears")
    assert table.item(3, 0).text().endswith("（今年度）")  # R8: 2026-04 to 2027-03
    qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=table.visualItemRect(table.item(0, 0)).center(),
    )
    assert dlg.chosen() == 2023
    when_modal(qtbot, QMessageBox, _answer(qtbot, "締め切る"))
    qtbot.mouseClick(dlg.findChild(QPushButton, "closeYear"), Qt.MouseButton.LeftButton)
    assert table.item(0, 1).text() == "締切済み"
    assert win.desk.closed_years().keys() == {2023}
    qtbot.waitUntil(lambda: r5.edit.isReadOnly(), timeout=5000)
    assert "令和5年度は締め切られています" in r5.edit.toolTip()
    assert win.form.year_headers[0].text() == "令和5年度（締切済み）"
    assert win.form.year_headers[3].text() == "令和8年度（今年度）"  # the year the form opens on
    assert not win.form.editors[(2024, "result_text")].edit.isReadOnly()
    before = r5.value()
    r5.edit.setFocus()
    qtbot.keyClicks(r5.edit, "abc")  # typed into a closed year: nothing changes
    assert r5.value() == before

    when_modal(qtbot, QMessageBox, _answer(qtbot, "再開する"))
    qtbot.mouseClick(dlg.findChild(QPushButton, "openYear"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not r5.edit.isReadOnly(), timeout=5000)
    assert win.form.year_headers[0].text() == "令和5年度"
    assert "締め切られて" not in r5.edit.toolTip()
    dlg.close()


def test_a_department_has_no_year_closing(qtbot, open_window, db_path, settings):
    win = open_window(db_path, settings, department="人事課")
    assert win.findChild(type(win.act_undo), "actFiscalYears") is None
