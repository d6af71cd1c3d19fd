"""The Japanese font shipped with the app (IPAexGothic), and the Qt application fonts need.

`ensure_font()` makes sure a QGuiApplication exists (offscreen when there is no display,
so a command never opens a window), registers resources/fonts/ipaexg.ttf once and returns
its family name. Printing never depends on the fonts installed on the PC, so the sheets
look the same everywhere and never fall back to empty boxes.
"""

from __future__ import annotations

import os
import sys
import threading
from importlib import resources

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase, QGuiApplication

from ..domain.errors import DeskError

FONT_FILE = "ipaexg.ttf"
LICENCE_FILE = "IPA_Font_License_Agreement_v1.0.txt"
_lock = threading.Lock()
_family: str | None = None
_app: QGuiApplication | None = None


def ensure_app() -> None:
    """Create a QGuiApplication when none exists (offscreen without a display)."""
    global _app
    if QCoreApplication.instance() is not None:
        return
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _app = QGuiApplication.instance() or QGuiApplication(["kanazawa-desktop"])


def font_bytes() -> bytes:
    return resources.files("kanazawa_desktop.resources").joinpath("fonts", FONT_FILE).read_bytes()


def ensure_font() -> str:
    """Register the bundled font (once) and return its family name."""
    global _family
    with _lock:
        if _family is not None:
            return _family
        ensure_app()
        font_id = QFontDatabase.addApplicationFontFromData(font_bytes())
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            raise DeskError("同梱の日本語フォント（IPAexゴシック）を読み込めませんでした")
        _family = families[0]
        return _family
