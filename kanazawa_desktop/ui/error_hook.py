"""The last net under the window's slots: a DeskError nobody caught (a read while the shared
server is away, a file that went missing) is said in Japanese in the window's status bar and a
notice, instead of a traceback on a console the person never sees. Anything else is a bug and
goes to the hook that was there before (Python's: printed, the window stays)."""

from __future__ import annotations

import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication

from ..domain.errors import DeskError
from .messages import notify


def show(exc: DeskError) -> bool:
    """Say `exc` in the active main window (or any visible one); False if there is none."""
    from .main_window import MainWindow

    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    active = QApplication.activeWindow()
    target = (
        active
        if isinstance(active, MainWindow)
        else next((w for w in windows if w.isVisible()), None)
    )
    if target is None:
        return False
    target.statusBar().showMessage(exc.message, 10_000)
    notify(target, "取組管理デスク", exc.message)
    return True


def install() -> None:
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, DeskError) and show(exc):
            return
        previous(kind, exc, tb)

    sys.excepthook = hook
