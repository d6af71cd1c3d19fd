"""Composition root: open the store, ask the role on first start, show the window."""

from __future__ import annotations

from .domain.errors import DeskError
from .domain.location import Location, Server
from .services.desk import Desk


def start(db_path: Location, settings=None):
    """Open the desk and build the main window; returns (app, window) or raises DeskError.

    Returns window None if the person cancelled the first-start question (or, on a
    server, the login question).
    """
    from .ui.qt_app import application, settings_for

    app = application()
    if isinstance(db_path, Server):
        from .ui.server_dialog import open_server_desk

        desk = open_server_desk(db_path)  # asks for the password when the server wants one
        if desk is None:
            return app, None
    else:
        desk = Desk.open(db_path, create=True)  # the first start creates the database
    from .ui.start_window import window_for

    return app, window_for(desk, settings if settings is not None else settings_for(db_path))


def run_window(db_path: Location) -> int:
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
