"""ファイル → 共有サーバーに接続… / このパソコンのデータベースに戻る: move between this PC's
database and a shared server's.

The server and login are checked before anything is closed (a typo costs nothing); then
this window closes as it always does (the typed text saved or kept as a draft, its desk
closed) and a window on the server replaces it. The server is remembered without its
password (that stays with the OS keyring, if the person chose so), and the next start
without --db goes back to it (`resumable`) until the person returns to this PC's database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QApplication, QMessageBox

from ..domain.errors import DeskError
from ..domain.location import Server, parse_server
from ..services.desk import Desk
from ..services.paths import own_file_path
from ..services.server_check import check_server
from .server_dialog import ask_until, open_server_desk

LAST = "server/last"
RESUME = "server/resume"  # the last window was on LAST: the next start goes back to it


def install(window, menu) -> None:  # type: ignore[no-untyped-def]
    window._action(window.tr("共有サーバーに接続…"), None, lambda: connect(window), menu)
    if isinstance(window.desk.path, Server):
        window._action(
            window.tr("このパソコンのデータベースに戻る"), None, lambda: go_home(window), menu
        )


def resumable(settings) -> Server | None:  # type: ignore[no-untyped-def]
    """The server a start without --db goes back to, or None."""
    if str(settings.value(RESUME, "false")).lower() != "true":
        return None
    return _last(settings)


def _last(settings) -> Server | None:  # type: ignore[no-untyped-def]
    text = settings.value(LAST)
    try:
        return parse_server(text) if isinstance(text, str) and text else None
    except DeskError:
        return None


def connect(window) -> None:  # type: ignore[no-untyped-def]
    # the server and login checked before this window closes (a typo costs nothing)
    got = ask_until(_last(window.settings), check_server, window, ask_first=True)
    if got is None:
        return
    server = got[1]
    with _replacing():
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
        window.settings.setValue(RESUME, "true")
        window.replacement = new
        new.show()


@contextmanager
def _replacing() -> Iterator[None]:
    """While one window closes and another opens, the application must not end for lack
    of a window; if none came, it ends then (said when it was the server that failed)."""
    app = QApplication.instance()
    quits = app.quitOnLastWindowClosed()  # type: ignore[union-attr]
    app.setQuitOnLastWindowClosed(False)  # type: ignore[union-attr]
    try:
        yield
    finally:
        app.setQuitOnLastWindowClosed(quits)  # type: ignore[union-attr]
        if not any(w.isVisible() for w in QApplication.topLevelWidgets()) and quits:
            QMessageBox.information(
                None, "取組管理デスク", "サーバーに接続できなかったため終了します"
            )
            app.quit()  # type: ignore[union-attr]


def go_home(window) -> None:  # type: ignore[no-untyped-def]
    """Leave the server for this PC's own database; later starts stay there too. The window
    closes first (its typed text saved on the server): only then may a desk on the file open."""
    from .start_window import window_for

    with _replacing():
        if not window.close():  # a task still running, kept: stay here
            return
        new = None
        try:
            desk = Desk.open(own_file_path(), create=True)
        except DeskError as exc:
            QMessageBox.warning(None, "取組管理デスク", exc.message)
        else:
            new = window_for(desk, window.settings)  # a new file asks the first-start question
            if new is not None:
                window.settings.setValue(RESUME, "false")
        if new is None:  # the file refused, or the question cancelled: back onto the server
            back = open_server_desk(window.desk.path)
            new = window_for(back, window.settings) if back is not None else None
            if new is None:
                return
        window.replacement = new
        new.show()
