"""ファイル → オープンデータを書き出す…: a folder chosen as a person would, the files written off
the GUI thread, a box offering to open the folder; a department's window has no such action."""

from __future__ import annotations

import pytest
from gui_helpers import when_modal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox, QPushButton

pytestmark = pytest.mark.gui


def test_the_secretariat_writes_open_data_from_the_file_menu(qtbot, secretariat_window, tmp_path):
    win = secretariat_window
    target = tmp_path / "published"  # typed: keyClicks takes ASCII only
    target.mkdir()
    texts = [a.text() for a in win.file_menu.actions()]
    assert "オープンデータを書き出す…" in texts

    def choose(dlg):
        edit = dlg.findChild(QLineEdit, "fileNameEdit")
        edit.clear()
        qtbot.keyClicks(edit, str(target))
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    when_modal(qtbot, QFileDialog, choose)
    win.act_opendata.trigger()
    qtbot.waitUntil(lambda: win.findChild(QMessageBox, "openDataDone") is not None, timeout=30000)
    box = win.findChild(QMessageBox, "openDataDone")
    assert "7 ファイル" in box.text() and str(target) in box.text()
    assert box.findChild(QPushButton, "openFolder") is not None
    names = {p.name for p in target.iterdir()}
    assert {"datapackage.json", "gyosei_keiei_measures.csv", "digital_2_indicators.csv"} <= names
    box.close()


def test_a_department_window_does_not_publish(qtbot, open_window, db_path, settings):
    win = open_window(db_path, settings, department="人事課")
    assert "オープンデータを書き出す…" not in [a.text() for a in win.file_menu.actions()]
