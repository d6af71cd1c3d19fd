"""ファイル → 共有サーバーに接続…: leave this database for a shared server's.

The server and login are checked before anything is closed (a typo costs nothing); then
this window closes as it always does (the typed text saved or kept as a draft, its desk
closed) and a window on the server replaces it. The server is remembered without its
password (that stays with the OS keyring, if the person chose so).
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from ..domain.errors import DeskError
from ..domain.location import Server, parse_server
from ..services import credentials
from ..services.server_check import check_server
from .server_dialog import ServerDialog, open_server_desk

LAST = "server/last"


def install(window, menu) -> None:  # type: ignore[no-untyped-def]
    window._action(window.tr("共有サーバーに接続…"), None, lambda: connect(window), menu)


def _last(window) -> Server | None:  # type: ignore[no-untyped-def]
    text = window.settings.value(LAST)
    try:
        return parse_server(text) if isinstance(text, str) and text else None
    except DeskError:
        return None


def connect(window) -> None:  # type: ignore[no-untyped-def]
    server, message = _last(window), ""
    if server is not None and server.password is None:
        server = server.with_password(credentials.stored_password(server))
    while True:
        dlg = ServerDialog(server, message, window)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        server, remember = dlg.server(), dlg.remember.isChecked()
        try:
            check_server(server)
        except DeskError as exc:
            message = exc.message
            continue
        break
    if remember and server.password:
        credentials.store_password(server, server.password)
    app = QApplication.instance()
    quits = app.quitOnLastWindowClosed()  # type: ignore[union-attr]
    app.setQuitOnLastWindowClosed(False)  # type: ignore[union-attr]
    try:
        if not window.close():  # a task still running, kept: stay here
            return
        from .start_window import window_for

        desk = open_server_desk(server)
        if desk is None:
            return
        new = window_for(desk, window.settings)
        if new is None:
            return
        window.settings.setValue(LAST, server.display)
        window.replacement = new
        new.show()
    finally:
        app.setQuitOnLastWindowClosed(quits)  # type: ignore[union-attr]
        if not any(w.isVisible() for w in QApplication.topLevelWidgets()) and quits:
            QMessageBox.information(
                None, "取組管理デスク", "サーバーに接続できなかったため終了します"
            )
            app.quit()  # type: ignore[union-attr]
