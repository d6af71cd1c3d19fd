"""Every open/save/folder dialog of the app: Japanese captions and filters, and a start folder
that is the last one used for that kind of file, else the user's Documents — never the
app's own folder or the current directory (where a file saved by a hurried click is lost).

    path = open_file(window, window.settings, WORKBOOK, "取り込むブックを選択", XLSX)
    path = save_file(window, window.settings, PDF, "PDFの保存先", "取組管理票.pdf", PDF_FILES)

A chosen file's folder is remembered per kind (QSettings key `files/<kind>`), so the next
dialog of that kind opens there. `start_folder(settings, kind)` is the seam the tests read.
Qt's own texts in the dialog (buttons, column headers) are Japanese through qtbase_ja.qm,
loaded in ui/qt_app.py.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

# Kinds of file: each remembers its own last folder.
WORKBOOK = "workbook"  # the exchanged Excel workbooks (export, returns)
PLAN = "plan"  # a plan's workbook (計画を書き出す/取り込む)
TABLE = "table"  # 担当課の表
PDF = "pdf"
BACKUP = "backup"
REPORT = "report"  # lists and tables the secretariat saves: 督促リスト, オープンデータ

XLSX = "Excelブック (*.xlsx)"
ALL_FILES = "すべてのファイル (*)"
PDF_FILES = "PDF (*.pdf)"
DATABASE = "データベース (*.sqlite3)"
CSV_FILES = "CSV (*.csv)"


def settings_of(widget: QWidget) -> QSettings:
    """The settings of the main window `widget` belongs to (a dialog's parent chain)."""
    w: QWidget | None = widget
    while w is not None:
        found = getattr(w, "settings", None)
        if isinstance(found, QSettings):
            return found
        w = w.parentWidget()
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "KanazawaCity", "kanazawa-desktop"
    )


def documents_folder() -> Path:
    """The user's Documents folder (the home folder where a PC has none)."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if docs and Path(docs).is_dir():
        return Path(docs)
    return Path.home()


def start_folder(settings: QSettings, kind: str) -> Path:
    """Where a dialog for `kind` opens: the folder last used for it while it still exists,
    else Documents."""
    last = settings.value(f"files/{kind}")
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    return documents_folder()


def remember(settings: QSettings, kind: str, path: Path) -> None:
    """The folder of `path` (or `path` itself when it is a folder) opens the next dialog."""
    folder = path if path.is_dir() else path.parent
    settings.setValue(f"files/{kind}", str(folder))


def _dialog(
    parent: QWidget, settings: QSettings, kind: str, caption: str, filters: list[str], name: str
) -> QFileDialog:
    start = start_folder(settings, kind)
    dlg = QFileDialog(parent, caption, str(start / name) if name else str(start))
    dlg.setObjectName("fileDialog")
    dlg.setNameFilters([parent.tr(f) for f in filters])
    # qtbase_ja.qm leaves these of Qt's own dialog in English (「Look in:」「Files of type:」)
    for label, text in (
        (QFileDialog.DialogLabel.LookIn, "場所(&I):"),
        (QFileDialog.DialogLabel.FileName, "ファイル名(&N):"),
        (QFileDialog.DialogLabel.FileType, "ファイルの種類(&T):"),
    ):
        dlg.setLabelText(label, parent.tr(text))
    return dlg


def _run(dlg: QFileDialog, settings: QSettings, kind: str) -> list[Path]:
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return []
    chosen = [Path(f) for f in dlg.selectedFiles() if f]
    if chosen:
        remember(settings, kind, chosen[0])
    return chosen


def open_files(
    parent: QWidget, settings: QSettings, kind: str, caption: str, *filters: str
) -> list[Path]:
    """Existing files chosen (none when cancelled)."""
    dlg = _dialog(parent, settings, kind, caption, [*filters, ALL_FILES], "")
    dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
    return _run(dlg, settings, kind)


def open_file(
    parent: QWidget, settings: QSettings, kind: str, caption: str, *filters: str
) -> Path | None:
    dlg = _dialog(parent, settings, kind, caption, [*filters, ALL_FILES], "")
    dlg.setFileMode(QFileDialog.FileMode.ExistingFile)
    chosen = _run(dlg, settings, kind)
    return chosen[0] if chosen else None


def save_file(
    parent: QWidget,
    settings: QSettings,
    kind: str,
    caption: str,
    name: str,
    file_filter: str,
    suffix: str,
) -> Path | None:
    """A file to write, proposed as `name` in the start folder; `suffix` is added when the
    person typed a name without it."""
    dlg = _dialog(parent, settings, kind, caption, [file_filter], name)
    dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dlg.setDefaultSuffix(suffix)
    chosen = _run(dlg, settings, kind)
    if not chosen:
        return None
    path = chosen[0]
    return path if path.suffix.lower() == f".{suffix}" else path.with_name(f"{path.name}.{suffix}")


def choose_folder(parent: QWidget, settings: QSettings, kind: str, caption: str) -> Path | None:
    dlg = _dialog(parent, settings, kind, caption, [], "")
    dlg.setFileMode(QFileDialog.FileMode.Directory)
    dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
    chosen = _run(dlg, settings, kind)
    return chosen[0] if chosen else None
