"""Composition root: open the store, ask the role on first start, show the window."""

from __future__ import annotations

from .domain.errors import DeskError
from .domain.location import Location, Server
from .services.desk import Desk


def start(db_path: Location, settings=None, *, resume_server: bool = False):
    """Open the desk and build the main window; returns (app, window) or raises DeskError.

    Returns window None if the person cancelled the first-start question (or, on a
    server, the login question). `resume_server` (no --db given): a person who last worked
    on a shared server is brought back to it (ui/server_actions.resumable); cancelling its
    login question opens this PC's own database instead, so nobody is locked out.
    """
    from .ui.qt_app import application, settings_for
    from .ui.server_actions import resumable
    from .ui.server_dialog import open_server_desk
    from .ui.start_window import window_for

    app = application()
    settings = settings if settings is not None else settings_for(db_path)
    if resume_server and not isinstance(db_path, Server):
        last = resumable(settings)
        desk = open_server_desk(last) if last is not None else None
        if desk is not None:
            return app, window_for(desk, settings)
    if isinstance(db_path, Server):
        desk = open_server_desk(db_path)  # asks for the password when the server wants one
        if desk is None:
            return app, None
    else:
        desk = Desk.open(db_path, create=True)  # the first start creates the database
    return app, window_for(desk, settings)


def run_window(db_path: Location, *, resume_server: bool = False) -> int:
    from PySide6.QtWidgets import QMessageBox

    from .ui import error_hook
    from .ui.qt_app import application

    error_hook.install()  # not in start(): the tests' own hook must see every exception
    try:
        app, window = start(db_path, resume_server=resume_server)
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
