"""ファイル → オープンデータを書き出す… (the secretariat's window; services/opendata.py).

Every plan's CSV files and datapackage.json go into a folder the person chooses; the writing
runs off the GUI thread (20,000 measures take seconds) and can be cancelled (nothing is put in
place then). Afterwards a non-blocking box offers to open the folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from ..domain.errors import DeskError
from . import file_dialogs
from .messages import notify
from .operations import run_background_op
from .print_actions import open_location


def install(window, menu) -> None:
    """Add the action to `menu` (the secretariat's window only: it publishes)."""
    role = window.desk.role
    if role is None or not role.is_secretariat:
        return
    window.act_opendata = QAction(window.tr("オープンデータを書き出す…"), window)
    window.act_opendata.setObjectName("actOpenData")
    window.act_opendata.triggered.connect(lambda: write_interactive(window))
    menu.addAction(window.act_opendata)


def write_interactive(window) -> None:
    folder = file_dialogs.choose_folder(
        window,
        window.settings,
        file_dialogs.REPORT,
        window.tr("オープンデータを書き出すフォルダー"),
    )
    if folder is not None:
        write_to(window, folder)


def write_to(window, folder: Path) -> None:
    from ..services.opendata import write_opendata

    window.form.commit()  # what is on screen is published too

    def done(result) -> None:
        text = (
            window.tr("オープンデータを書き出しました（%1 ファイル、%2 行）: %3")
            .replace("%1", str(len(result.files)))
            .replace("%2", f"{result.rows:,}")
            .replace("%3", str(result.folder))
        )
        window.statusBar().showMessage(text, 8000)
        box = QMessageBox(
            QMessageBox.Icon.Information, window.tr("オープンデータ"), text, parent=window
        )
        box.setObjectName("openDataDone")
        opener = box.addButton(window.tr("フォルダーを開く"), QMessageBox.ButtonRole.ActionRole)
        opener.setObjectName("openFolder")
        box.addButton(window.tr("閉じる"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(lambda b: b is opener and open_location(result.folder))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        window.opendata_box = box

    def refused(exc: DeskError) -> None:
        notify(window, window.tr("オープンデータを書き出せません"), exc.message, warning=True)

    window.opendata_task = run_background_op(
        window,
        window.tr("オープンデータを書き出し中…"),
        lambda desk, progress: write_opendata(desk, folder, progress=progress),
        done,
        on_error=refused,
    )
