"""The window's workbook exchange: 「Excelに書き出し…」, 「Excelを取り込む…」, 「回収状況」.

`install(window)` adds the three actions to `window.file_menu` where it is called (before
終了). Export on the secretariat's PC offers (export_dialog.py) the master workbook or one
workbook per department into a folder in one step (file names carry the department), and
the round's 回収期限; on a department's PC it writes its own part. 回収状況 is
status_dialog.py. Long work runs through ui.tasks.run_task (progress, cancel, the
window never freezes). After an import is applied or undone the window's broadcast()
refreshes every view.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from . import file_dialogs
from .messages import notify
from .tasks import run_task

if TYPE_CHECKING:
    from .import_dialog import ImportDialog
    from .status_dialog import StatusDialog

# The exchange services (openpyxl, the reader, the import dialog) are imported when an action
# runs, not with the window: importing them costs about half a second of the cold start.


def install(window) -> None:
    menu = window.file_menu
    actions = []
    for text, slot, name in (
        (window.tr("Excelに書き出し…"), lambda: export_interactive(window), "actExport"),
        (window.tr("Excelを取り込む…"), lambda: open_import(window), "actImport"),
        (window.tr("回収状況"), lambda: open_status(window), "actStatus"),
        # a department PC's own worklist too: what a master workbook's sync left open
        (window.tr("未解決の競合…"), lambda: open_conflicts(window), "actConflicts"),
    ):
        act = QAction(text, window)
        act.setObjectName(name)
        act.triggered.connect(slot)
        menu.addAction(act)
        actions.append(act)
    role = window.desk.role
    actions[2].setEnabled(bool(role and role.is_secretariat))
    window.exchange_actions = actions


def export_interactive(window) -> None:
    from ..services.exchange.export import department_file_name
    from .export_dialog import ExportDialog

    desk = window.desk
    role = desk.role
    deadline = None
    if role is not None and role.is_secretariat:
        dlg = ExportDialog(window, desk)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        per_department, deadline = dlg.values()
        if per_department:
            folder = file_dialogs.choose_folder(
                window, window.settings, file_dialogs.WORKBOOK, window.tr("書き出すフォルダー")
            )
            if folder:
                export_per_department(window, folder, deadline)
            return
        name = f"{desk.plan.name}_一覧表.xlsx"
    else:
        name = department_file_name(desk.plan.name, role.department if role else "")
    path = file_dialogs.save_file(
        window,
        window.settings,
        file_dialogs.WORKBOOK,
        window.tr("Excelに書き出し"),
        name,
        file_dialogs.XLSX,
        "xlsx",
    )
    if path:
        export_one(window, path, deadline)


def export_one(window, path: Path, deadline: date | None = None):
    from ..services.exchange import export_workbook

    def done(result) -> None:
        window.statusBar().showMessage(
            window.tr("書き出しました: %1").replace("%1", str(result.path)), 8000
        )

    return run_task(
        window,
        window.tr("Excelに書き出し中…"),
        lambda progress: export_workbook(window.desk, path, progress=progress, deadline=deadline),
        done,
        what=window.tr("書き出し"),
    )


def export_per_department(window, folder: Path, deadline: date | None = None):
    from ..services.exchange import export_departments

    def done(results) -> None:
        notify(
            window,
            window.tr("Excelに書き出し"),
            window.tr("%1 課分のブックを書き出しました: %2")
            .replace("%1", str(len(results)))
            .replace("%2", str(folder)),
            warning=False,
        )

    return run_task(
        window,
        window.tr("担当課ごとに書き出し中…"),
        lambda progress: export_departments(
            window.desk, folder, progress=progress, deadline=deadline
        ),
        done,
        what=window.tr("書き出し"),
    )


def open_import(window) -> ImportDialog:
    from .import_dialog import ImportDialog

    dlg = ImportDialog(window, window.desk)
    dlg.changed.connect(lambda: window.broadcast())
    dlg.open()
    return dlg


def open_conflicts(window):
    """Every open conflict and 不正な値 of this database (on a department PC: those a sync of
    the secretariat's workbook left open), each settled there."""
    from .conflicts_dialog import ConflictsDialog

    dlg = ConflictsDialog(window, window.desk)
    dlg.changed.connect(window.broadcast)
    window.conflicts_dialog = dlg
    dlg.open()
    return dlg


def open_status(window) -> StatusDialog:
    from .status_dialog import StatusDialog

    dlg = StatusDialog(window)
    dlg.open()
    return dlg
