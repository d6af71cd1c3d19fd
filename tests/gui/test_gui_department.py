"""A department in the window, driven as a person would: the first start, navigation,
undo inside a text box, refused values, search (issue 12, 「A department」)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from kanazawa_desktop.services.desk import Desk

pytestmark = pytest.mark.gui

SHOTS = Path(os.environ.get("DEPTUX_SHOTS", "")) if os.environ.get("DEPTUX_SHOTS") else None


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def editor(win, fy, field):
    return win.form.editors[(fy, field)]


def click_radio(qtbot, radio):
    """Click a radio button on its circle (its middle may be empty space past the text)."""
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))


# ---- 1. first start ------------------------------------------------------------------------


def test_first_start_preselects_nothing_and_says_how_the_round_works(qtbot, db_path, tmp_path):
    from kanazawa_desktop.ui.role_dialog import RoleDialog

    with Desk.open(db_path) as d:
        dlg = RoleDialog(d.departments())
    qtbot.addWidget(dlg)
    dlg.show()
    ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert dlg.department.currentText() == ""
    assert not dlg.as_department.isChecked() and not dlg.as_secretariat.isChecked()
    assert not ok.isEnabled()  # a hurried click on 決定 does nothing
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dlg.isVisible()
    round_ = dlg.findChild(QLabel, "howTheRoundWorks").text()
    for step in ("取り込", "入力", "書き出", "事務局へ送"):
        assert step in round_
    if SHOTS:
        dlg.grab().save(str(SHOTS / "first_start.png"))
    # choosing 事務局 enables 決定; going back to 担当課 without a name disables it again
    click_radio(qtbot, dlg.as_secretariat)
    assert ok.isEnabled()
    click_radio(qtbot, dlg.as_department)
    assert dlg.as_department.isChecked() and not ok.isEnabled()
    dlg.department.setFocus()
    qtbot.keyClick(dlg.department, Qt.Key.Key_Down)  # the first department, by the keyboard
    assert dlg.department.currentText() and ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dlg.result() == dlg.DialogCode.Accepted
    assert dlg.choice() == (dlg.department.itemText(0), False)


def test_picking_a_department_first_chooses_the_department_role(qtbot, db_path):
    from kanazawa_desktop.ui.role_dialog import RoleDialog

    with Desk.open(db_path) as d:
        dlg = RoleDialog(d.departments())
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.department.setFocus()
    qtbot.keyClick(dlg.department, Qt.Key.Key_Down)
    assert dlg.as_department.isChecked()
    assert dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).isEnabled()
