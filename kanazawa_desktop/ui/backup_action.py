"""ファイル → バックアップを保存…: a verified copy of the open database (services/backup.py).

The copy takes well under a second for this plan's database, so it runs on the GUI thread
with a wait cursor rather than as a cancellable task.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication

from ..domain.errors import DeskError
from ..services.backup import default_name, save_backup
from . import file_dialogs
from .messages import notify


def install(window, menu) -> QAction:
    act = QAction(window.tr("バックアップを保存…"), window)
    act.setObjectName("actBackup")
    act.triggered.connect(lambda: backup_interactive(window))
    menu.addAction(act)
    return act


def backup_interactive(window) -> None:
    path = file_dialogs.save_file(
        window,
        window.settings,
        file_dialogs.BACKUP,
        window.tr("バックアップを保存"),
        default_name(Path(window.desk.path)),
        file_dialogs.DATABASE,
        "sqlite3",
    )
    if path:
        save_to(window, path)


def save_to(window, path: Path) -> bool:
    window.form.commit()  # what is on screen goes into the copy too
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        result = save_backup(window.desk, path)
    except DeskError as exc:
        QGuiApplication.restoreOverrideCursor()
        notify(window, window.tr("バックアップ"), exc.message)
        return False
    QGuiApplication.restoreOverrideCursor()
    window.statusBar().showMessage(
        window.tr("バックアップを保存しました: %1").replace("%1", str(result.path)), 8000
    )
    return True
