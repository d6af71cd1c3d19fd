"""The QApplication: Japanese UI font, translations, and settings storage."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

JAPANESE_FAMILIES = (
    "Yu Gothic UI",
    "Meiryo UI",
    "Meiryo",
    "IPAexGothic",
    "IPAGothic",
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Hiragino Sans",
)


def japanese_font_family() -> str | None:
    """The first installed family that has Japanese glyphs, in order of preference."""
    have = set(QFontDatabase.families())
    for fam in JAPANESE_FAMILIES:
        if fam in have:
            return fam
    for fam in QFontDatabase.families(QFontDatabase.WritingSystem.Japanese):
        return fam
    return None


def application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("kanazawa-desktop")
    app.setOrganizationName("KanazawaCity")
    app.setApplicationDisplayName("取組管理デスク")
    family = japanese_font_family()
    if family:
        font = QFont(family)
        font.setPointSize(max(app.font().pointSize(), 10))
        app.setFont(font)
    # Qt's own texts (OK/Cancel buttons, file dialogs, print preview) in Japanese whatever
    # the PC's locale, like the rest of the window; the translations ship with PySide6.
    if app.property("kanazawaTranslations"):  # once per process (tests start many windows)
        return app  # type: ignore[return-value]
    app.setProperty("kanazawaTranslations", True)
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    qt_ja = QTranslator(app)
    if qt_ja.load("qtbase_ja", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_ja)
    translator = QTranslator(app)
    # Japanese is the source language; an English .qm can follow in resources/i18n.
    i18n = resources.files("kanazawa_desktop.resources").joinpath("i18n")
    with resources.as_file(i18n) as qm_dir:
        if translator.load(QLocale(), "kanazawa_desktop", "_", str(qm_dir)):
            app.installTranslator(translator)
    return app  # type: ignore[return-value]


def settings_for(db_path: Path) -> QSettings:
    """Window layout per user (not per database): stored by Qt in the usual place."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "KanazawaCity", "kanazawa-desktop"
    )


def settle_clipboard() -> None:
    """Before the application ends: what this app put on the clipboard as a table (QMimeData:
    tab-separated text and HTML) is put back as its plain text. PySide6 6.11 crashes at exit
    while a QMimeData set from Python is still on the clipboard (offscreen: every time), and
    the text still pastes into Excel as a table after the app has closed."""
    app = QApplication.instance()
    if app is None:
        return
    clipboard = QApplication.clipboard()
    data = clipboard.mimeData()
    if data is not None and data.hasHtml():
        clipboard.setText(data.text())
