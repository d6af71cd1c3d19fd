"""Child process for test_close_during_task: under a real X server (Xvfb), close the main
window the way a window manager does (WM_DELETE_WINDOW) while a task runs, and print what
the app showed. Usage: python -m x11_close_probe TMPDIR (from tests/, DISPLAY set).

Qt drops a window-system close of a window that a modal dialog blocks; offscreen tests call
close() directly and never meet that, so this probe sends the real message through libX11.
"""

from __future__ import annotations

import ctypes
import sys
import threading
import time
from pathlib import Path


class _ClientMessage(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("l", ctypes.c_long * 5),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


def wm_close(window_id: int) -> None:
    x11 = ctypes.cdll.LoadLibrary("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_long,
        ctypes.c_void_p,
    ]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(None)
    ev = _XEvent()
    ev.xclient.type = 33  # ClientMessage
    ev.xclient.window = window_id
    ev.xclient.message_type = x11.XInternAtom(display, b"WM_PROTOCOLS", 0)
    ev.xclient.format = 32
    ev.xclient.l[0] = x11.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
    x11.XSendEvent(display, window_id, 0, 0, ctypes.byref(ev))
    x11.XFlush(display)
    x11.XCloseDisplay(display)


def main(tmp: Path) -> None:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from kanazawa_desktop.app import start
    from kanazawa_desktop.services.desk import Desk
    from kanazawa_desktop.ui.tasks import run_task

    db = tmp / "desk.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
    app, win = start(db, QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    win.show()
    stop = threading.Event()
    seen: list[str] = []

    def work(progress):
        for i in range(1500):  # bounded: 15 s at most
            if stop.is_set():
                break
            progress.step(i, 1500)
            time.sleep(0.01)
        return "done"

    def look() -> None:
        box = QApplication.activeModalWidget()
        seen.append(f"modal: {type(box).__name__ if box else None}")
        if isinstance(box, QMessageBox):
            seen.append(f"text: {box.text()}")
            box.reject()  # 続ける
        stop.set()
        QTimer.singleShot(300, lambda: seen.append(f"visible: {win.isVisible()}"))
        QTimer.singleShot(500, app.quit)

    def begin() -> None:
        run_task(win, "作業中…", work, lambda _r: None, what="書き出し")
        QTimer.singleShot(800, lambda: wm_close(int(win.winId())))
        QTimer.singleShot(2500, look)

    QTimer.singleShot(500, begin)
    QTimer.singleShot(20_000, app.quit)  # bounded whatever happens
    app.exec()
    print("\n".join(seen), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
