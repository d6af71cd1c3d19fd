"""Every file dialog goes through ui/file_dialogs.py: Japanese captions, filters and buttons,
opening in the last folder used for that kind of file, else the user's Documents (never the
app's folder or the current directory)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_helpers import when_modal
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QLineEdit

from kanazawa_desktop.ui import file_dialogs


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_a_first_dialog_starts_in_documents_then_in_the_last_folder(settings, tmp_path):
    docs = file_dialogs.documents_folder()
    assert docs.is_dir() and docs != Path.cwd()
    assert file_dialogs.start_folder(settings, file_dialogs.PDF) == docs
    file_dialogs.remember(settings, file_dialogs.PDF, tmp_path / "a.pdf")
    assert file_dialogs.start_folder(settings, file_dialogs.PDF) == tmp_path
    assert file_dialogs.start_folder(settings, file_dialogs.WORKBOOK) == docs  # per kind
    file_dialogs.remember(settings, file_dialogs.PDF, tmp_path / "gone" / "b.pdf")
    assert file_dialogs.start_folder(settings, file_dialogs.PDF) == docs  # folder removed


def test_the_export_dialog_is_japanese_and_the_next_one_opens_where_the_file_went(
    qtbot, open_window, db_path, settings, tmp_path
):
    win = open_window(db_path, settings, department="人事課")
    target = tmp_path / "out" / "jinji.xlsx"  # typed: QTest types ASCII only
    target.parent.mkdir()
    seen = []

    def choose(dlg):
        buttons = dlg.findChild(QDialogButtonBox)
        seen.append(
            (
                dlg.windowTitle(),
                dlg.nameFilters(),
                Path(dlg.directory().absolutePath()),
                buttons.button(QDialogButtonBox.StandardButton.Cancel).text(),
            )
        )
        labels = {w.objectName(): w.text() for w in dlg.findChildren(QLabel)}
        seen.append([labels.get(n) for n in ("lookInLabel", "fileNameLabel", "fileTypeLabel")])
        edit = dlg.findChild(QLineEdit, "fileNameEdit")
        edit.clear()
        qtbot.keyClicks(edit, str(target))
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    when_modal(qtbot, QFileDialog, choose)
    export = next(a for a in win.exchange_actions if a.objectName() == "actExport")
    export.trigger()
    qtbot.waitUntil(target.exists, timeout=30_000)
    assert seen[0] == (
        "Excelに書き出し",
        ["Excelブック (*.xlsx)"],
        file_dialogs.documents_folder(),
        "キャンセル",
    )
    assert seen[1] == ["場所(&I):", "ファイル名(&N):", "ファイルの種類(&T):"]

    def look(dlg):
        seen.append(Path(dlg.directory().absolutePath()))
        dlg.reject()

    when_modal(qtbot, QFileDialog, look)
    qtbot.waitUntil(lambda: not any(t.parent() is win for t in _running()), timeout=30_000)
    export.trigger()
    assert seen[2] == target.parent


def _running():
    from kanazawa_desktop.ui.tasks import _RUNNING

    return list(_RUNNING)
