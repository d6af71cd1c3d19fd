"""File-menu actions: 印刷プレビュー…, 印刷…, PDFに出力…, 報告書を印刷….

`install(window)` inserts the four actions before 終了 and keeps a PrintActions on the
window (`window.print_actions`). Each action asks for the scope (PrintScopeDialog), builds
the job through services.printing on the GUI thread (a quick read), then:
- preview: the pages drawn as images off the GUI thread, each in its own orientation
  (Qt's QPrintPreviewDialog cannot turn a page: ui/print_preview.py), then shown;
- print: the system's QPrintDialog, then the renderer onto the chosen printer;
- PDF: a save dialog, then services.printing.write_job off the GUI thread with a progress
  dialog that can cancel (ui.tasks.run_task); a cancelled export leaves no file; a finished
  one offers to open the PDF or its folder;
- report: the year and 2-up (ReportDialog), a save dialog, then the same as PDF.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QMarginsF, QObject, Qt, QUrl
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
    QPageLayout,
    QPageSize,
)
from PySide6.QtWidgets import QDialog, QMainWindow, QMessageBox

from ..domain.errors import DeskError
from ..domain.fiscal import current_fiscal_year
from ..services import printing as printing_service
from ..services import report as report_service
from ..services.progress import Cancelled
from . import file_dialogs
from .messages import notify
from .print_scope_dialog import PrintScopeDialog
from .tasks import Task, run_task


class PrintActions(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.task: Task | None = None
        self.last_result: printing_service.PrintResult | None = None
        self.offer: QMessageBox | None = None  # after a PDF: open it or its folder
        self.preview_dialog: QDialog | None = None

    # ---- the three actions ------------------------------------------------------
    def preview(self) -> None:
        """The pages drawn off the GUI thread (each in its own orientation: ui/print_preview),
        then shown; 「印刷…」 there prints the same job."""
        title = self.tr("印刷プレビュー")
        job = self._job(title)
        if job is None:
            return

        def show(pages: object) -> None:
            from .print_preview import PrintPreviewDialog

            assert isinstance(pages, list)
            dlg = PrintPreviewDialog(pages, title, lambda: self.print_job(job, dlg), self.window)
            dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.preview_dialog = dlg
            dlg.open()

        self.task = run_task(
            self.window,
            self.tr("プレビューを作成中…"),
            lambda progress: printing_service.preview_job(job, progress=progress),
            show,
            what=self.tr("プレビューの作成"),
        )

    def print_(self) -> None:
        job = self._job(self.tr("印刷"))
        if job is not None:
            self.print_job(job)

    def print_job(self, job: printing_service.PrintJob, parent=None) -> None:
        from PySide6.QtPrintSupport import QPrintDialog

        printer = self._printer()
        dlg = QPrintDialog(printer, parent or self.window)
        dlg.setWindowTitle(self.tr("印刷"))
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        self._render(printer, job)
        self.window.statusBar().showMessage(self.tr("印刷を開始しました"), 5000)

    def export_pdf(self) -> None:
        title = self.tr("PDFに出力")
        chosen = self.ask_scope(title)
        if chosen is None:
            return
        values, label = chosen
        path = self.ask_path(label)
        if path is None:
            return
        job = self._build(values, title)
        if job is None:
            return
        self.task = run_task(
            self.window,
            self.tr("PDFに出力中…"),
            lambda progress: printing_service.write_job(job, path, progress=progress),
            self._exported,
            self._export_failed,
            what=self.tr("PDFの出力"),
        )

    def export_report(self) -> None:
        """報告書を印刷…: the briefing book of the plan (services.report) as a PDF."""
        title = self.tr("報告書を印刷")
        values = self.ask_report()
        if values is None:
            return
        desk = self.window.desk
        path = self.ask_path(f"{desk.plan.name}_報告書", prefix="")
        if path is None:
            return
        try:
            printing_service.prepare_fonts()
            job = report_service.build_report_job(desk, **values)
        except DeskError as exc:
            notify(self.window, title, exc.message)
            return
        self.task = run_task(
            self.window,
            self.tr("報告書を出力中…"),
            lambda progress: printing_service.write_job(job, path, progress=progress),
            self._exported,
            self._export_failed,
            what=self.tr("報告書の出力"),
        )

    # ---- steps (tests replace ask_scope / ask_path when they need to) ------------
    def ask_scope(self, title: str) -> tuple[dict, str] | None:
        win = self.window
        win.form.commit()  # what was just typed is printed too
        role = win.desk.role
        own = role.department if role is not None and not role.is_secretariat else None
        dlg = PrintScopeDialog(title, win.form.measure, win.desk.departments(), own, win)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return dlg.values(), dlg.label()

    def ask_report(self) -> dict | None:
        from .report_dialog import ReportDialog

        win = self.window
        win.form.commit()  # what was just typed is printed too
        plan = win.desk.plan
        dlg = ReportDialog(plan.name, plan.years, current_fiscal_year(plan.years), win)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return dlg.values()

    def ask_path(self, label: str, prefix: str = "取組管理票_") -> Path | None:
        name = f"{prefix}{label}_{date.today():%Y%m%d}.pdf"
        return file_dialogs.save_file(
            self.window,
            self.window.settings,
            file_dialogs.PDF,
            self.tr("PDFの保存先"),
            name,
            file_dialogs.PDF_FILES,
            "pdf",
        )

    def _job(self, title: str) -> printing_service.PrintJob | None:
        chosen = self.ask_scope(title)
        return None if chosen is None else self._build(chosen[0], title)

    def _build(self, values: dict, title: str) -> printing_service.PrintJob | None:
        try:
            printing_service.prepare_fonts()
            return printing_service.build_job(self.window.desk, **values)
        except DeskError as exc:
            notify(self.window, title, exc.message)
            return None

    def _printer(self):
        from PySide6.QtPrintSupport import QPrinter  # loaded on first use: keeps start-up quick

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setFullPage(True)
        printer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(0, 0, 0, 0),
            )
        )
        printer.setDocName(self.tr("取組管理票"))
        return printer

    def _render(self, printer, job: printing_service.PrintJob) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            printing_service.render_to(printer, job)
        except DeskError as exc:
            notify(self.window, self.tr("印刷"), exc.message)
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _export_failed(self, exc: DeskError) -> None:
        if isinstance(exc, Cancelled):
            self.window.statusBar().showMessage(
                self.tr("PDFの出力を中止しました（ファイルは作成されていません）"), 8000
            )
        else:
            notify(self.window, self.tr("PDFに出力"), exc.message)

    def _exported(self, result: object) -> None:
        assert isinstance(result, printing_service.PrintResult)
        self.last_result = result
        done = (
            self.tr("%1 に出力しました（%2 ページ）")
            .replace("%1", str(result.path))
            .replace("%2", str(result.pages))
        )
        self.window.statusBar().showMessage(done, 8000)
        self.offer = self._offer_to_open(result.path, done)

    def _offer_to_open(self, path: Path, text: str) -> QMessageBox:
        """Open the PDF, or the folder holding it, at once (non-blocking: the window goes on)."""
        box = QMessageBox(
            QMessageBox.Icon.Information, self.tr("PDFに出力"), text, parent=self.window
        )
        box.setObjectName("pdfDone")
        pdf = box.addButton(self.tr("PDFを開く"), QMessageBox.ButtonRole.ActionRole)
        folder = box.addButton(self.tr("フォルダーを開く"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(self.tr("閉じる"), QMessageBox.ButtonRole.RejectRole)
        pdf.setObjectName("openPdf")
        folder.setObjectName("openFolder")

        def clicked(button) -> None:
            if button is pdf:
                open_location(path)
            elif button is folder:
                open_location(path.parent)

        box.buttonClicked.connect(clicked)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box


def open_location(path: Path) -> bool:
    """The file or folder in the user's own application (the PDF viewer, the file manager)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def install(window: QMainWindow) -> PrintActions:
    """Add the printing actions to window.file_menu (before 終了 when it is already there)."""
    actions = PrintActions(window)
    window.print_actions = actions
    menu = window.file_menu
    quit_action = next((a for a in menu.actions() if a.text().startswith("終了")), None)
    specs = [
        ("act_print_preview", window.tr("印刷プレビュー(&V)…"), None, actions.preview),
        ("act_print", window.tr("印刷(&P)…"), QKeySequence.StandardKey.Print, actions.print_),
        ("act_export_pdf", window.tr("PDFに出力(&D)…"), None, actions.export_pdf),
        ("act_print_report", window.tr("報告書を印刷(&R)…"), None, actions.export_report),
    ]
    before = quit_action
    if quit_action is not None:
        idx = menu.actions().index(quit_action)
        prev = menu.actions()[idx - 1] if idx else None
        if prev is not None and prev.isSeparator():
            before = prev
    for name, text, shortcut, slot in specs:
        act = QAction(text, window)
        act.setObjectName(name)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(slot)
        if before is None:
            menu.addAction(act)
        else:
            menu.insertAction(before, act)
        window.addAction(act)
        setattr(window, name, act)
    return actions
