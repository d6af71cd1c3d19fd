"""Composition root: open the store, ask the role on first start, show the window."""

from __future__ import annotations

from pathlib import Path

from .domain.errors import DeskError
from .services.desk import Desk


def start(db_path: Path, settings=None):
    """Open the desk and build the main window; returns (app, window) or raises DeskError.

    Returns window None if the person cancelled the first-start question.
    """
    from PySide6.QtWidgets import QDialog

    from .ui.main_window import MainWindow
    from .ui.qt_app import application, settings_for
    from .ui.role_dialog import RoleDialog

    app = application()
    desk = Desk.open(db_path, create=True)  # the first start creates the database
    if desk.role is None:
        dlg = RoleDialog(desk.departments())
        if dlg.exec() != QDialog.DialogCode.Accepted:
            desk.close()
            return app, None
        department, secretariat = dlg.choice()
        desk.set_role(department=department, secretariat=secretariat)
    window = MainWindow(desk, settings if settings is not None else settings_for(db_path))
    return app, window


def run_window(db_path: Path) -> int:
    from PySide6.QtWidgets import QMessageBox

    from .ui.qt_app import application

    try:
        app, window = start(db_path)
    except DeskError as exc:
        application()
        QMessageBox.critical(None, "取組管理デスク", exc.message)
        return 1
    if window is None:
        return 0
    window.show()
    code = app.exec()
    from .ui.qt_app import settle_clipboard
    from .ui.tasks import finish_all

    finish_all()  # no worker may outlive the desk it reads, nor the interpreter
    settle_clipboard()
    window.desk.close()
    return code
