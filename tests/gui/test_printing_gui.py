"""Printing from the window: the File menu's PDF export (scope, save dialog, progress) and preview."""

from __future__ import annotations

import os

import pytest
from gui_helpers import when_modal
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
)

from kanazawa_desktop.ui.print_scope_dialog import PrintScopeDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def window(secretariat_window):
    return secretariat_window


def click_label(qtbot, button):
    """Click on a radio button's or check box's text, where a person clicks."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(12, button.height() // 2))


def ok_button(dlg):
    return dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)


def test_menu_has_the_printing_actions_before_quit(window):
    texts = [a.text() for a in window.file_menu.actions() if not a.isSeparator()]
    i = texts.index(next(t for t in texts if t.startswith("終了")))
    for name in ("印刷プレビュー", "印刷(&P)", "PDFに出力", "報告書を印刷"):
        assert any(t.startswith(name) for t in texts[:i]), texts


def test_export_every_sheet_with_the_list_through_the_menu(qtbot, window, tmp_path, monkeypatch):
    from kanazawa_desktop.ui import print_actions

    target = tmp_path / "out" / "all_sheets.pdf"  # typed: QTest types ASCII only
    target.parent.mkdir()

    def choose_scope(dlg):
        click_label(qtbot, dlg.findChild(QRadioButton, "scope_all"))
        click_label(qtbot, dlg.findChild(QCheckBox, "with_list"))
        assert dlg.findChild(QRadioButton, "scope_all").isChecked()
        when_modal(qtbot, QFileDialog, choose_file)
        qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)

    def choose_file(dlg):
        edit = dlg.findChild(QLineEdit, "fileNameEdit")
        edit.clear()
        qtbot.keyClicks(edit, str(target))
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    when_modal(qtbot, PrintScopeDialog, choose_scope)
    window.file_menu.setActiveAction(window.act_export_pdf)
    window.act_export_pdf.trigger()
    qtbot.waitUntil(lambda: window.print_actions.last_result is not None, timeout=30000)
    result = window.print_actions.last_result
    assert target.exists() and result.path == target and result.measures == 92
    assert result.pages > 92
    assert str(target) in window.statusBar().currentMessage()
    assert [p.name for p in target.parent.iterdir()] == [target.name]
    # it offers to open the PDF or its folder in the user's own applications
    opened = []
    monkeypatch.setattr(print_actions, "open_location", lambda p: opened.append(p) or True)
    offer = window.print_actions.offer
    qtbot.waitUntil(offer.isVisible, timeout=5000)
    assert str(target) in offer.text()
    qtbot.mouseClick(offer.findChild(QPushButton, "openFolder"), Qt.MouseButton.LeftButton)
    assert opened == [target.parent]


def test_report_through_the_menu_two_up_for_a_chosen_year(qtbot, window, tmp_path):
    from pypdf import PdfReader

    from kanazawa_desktop.ui.report_dialog import ReportDialog

    target = tmp_path / "report.pdf"
    actions = window.print_actions
    actions.ask_path = lambda label, prefix="": target  # the save dialog is tested above

    def choose(dlg):
        year = dlg.findChild(QComboBox, "reportYear")
        assert year.currentText() == "令和8年度"  # the current fiscal year (today: R8)
        year.setCurrentIndex(year.findText("令和6年度"))
        click_label(qtbot, dlg.findChild(QCheckBox, "twoUp"))
        qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)

    when_modal(qtbot, ReportDialog, choose)
    window.act_print_report.trigger()
    qtbot.waitUntil(lambda: actions.last_result is not None, timeout=60000)
    assert actions.last_result.path == target
    meta = PdfReader(str(target)).metadata
    assert meta.title == "金沢市行政経営プラン 進捗報告書 令和6年度"
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(target).pages]
    assert sum(1 for w, h in sizes if w > h) == (actions.last_result.measures + 1) // 2


def test_cancelled_export_leaves_no_file(qtbot, window, tmp_path):
    target = tmp_path / "cancelled.pdf"
    actions = window.print_actions
    actions.ask_scope = lambda title: ({"listing": True}, "全取組")  # the dialogs are tested above
    actions.ask_path = lambda label: target
    window.act_export_pdf.trigger()
    dialog = actions.task.dialog
    dialog.show()  # it shows itself after 300 ms; a person clicks 中止 once it is there
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: actions.task.finished, timeout=30000)
    assert actions.last_result is None
    assert "中止" in window.statusBar().currentMessage()
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*part"))


def test_preview_shows_the_current_measure(qtbot, window, tmp_path):
    from kanazawa_desktop.ui.print_preview import PrintPreviewDialog

    seen = {}

    def choose_scope(dlg):
        assert dlg.findChild(QRadioButton, "scope_current").isChecked()
        when_modal(qtbot, PrintPreviewDialog, look)
        qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)

    def look(dlg):
        seen["pages"] = [p.landscape for p in dlg.view.pages]
        dlg.grab().save(str(tmp_path / "preview.png"))
        dlg.reject()

    when_modal(qtbot, PrintScopeDialog, choose_scope)
    window.act_print_preview.trigger()
    qtbot.waitUntil(lambda: "pages" in seen, timeout=30000)
    assert seen["pages"] == [False]
    assert (tmp_path / "preview.png").stat().st_size > 1000


def test_preview_shows_the_list_landscape_and_the_sheets_portrait(qtbot, window, tmp_path):
    """Qt's own preview showed the landscape 一覧 turned on portrait pages: each page is
    shown in its own orientation, the 一覧 as wide as the view."""
    from kanazawa_desktop.ui.print_preview import PrintPreviewDialog

    seen = {}

    def choose_scope(dlg):
        click_label(qtbot, dlg.findChild(QCheckBox, "with_list"))
        when_modal(qtbot, PrintPreviewDialog, look)
        qtbot.mouseClick(ok_button(dlg), Qt.MouseButton.LeftButton)

    def look(dlg):
        rects = dlg.view.page_rects()
        seen["shown"] = [(r.width() > r.height()) for r in rects]
        seen["info"] = dlg.findChild(QLabel, "previewInfo").text()
        seen["fills"] = rects[0].width() >= dlg.scroll.viewport().width() - 40
        shot = os.environ.get("KANAZAWA_PREVIEW_SHOT") or str(tmp_path / "preview_list.png")
        dlg.grab().save(shot)
        dlg.reject()

    when_modal(qtbot, PrintScopeDialog, choose_scope)
    window.act_print_preview.trigger()
    qtbot.waitUntil(lambda: "shown" in seen, timeout=60000)
    shown = seen["shown"]
    assert shown[0] and not shown[-1] and shown == sorted(shown, reverse=True)
    assert seen["fills"] and "横向き" in seen["info"] and "縦向き 1 ページ" in seen["info"]
