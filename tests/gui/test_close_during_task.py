"""Closing the window while an export runs: the window is busy, not blocked by a modal
progress dialog (Qt drops the close button's event for a blocked window: nothing happened),
asks 「書き出しの途中です。中止して閉じますか？」, stops the export within a bound, says exactly
what was written, then closes; 続ける keeps the window and the export going."""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest
from conftest import REPO
from gui_helpers import when_modal
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.ui import exchange_actions
from kanazawa_desktop.ui.tasks import run_task


def _click(qtbot, box, name):
    from PySide6.QtCore import Qt

    qtbot.mouseClick(box.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def test_closing_during_a_per_department_export_stops_it_and_says_what_was_written(
    qtbot, secretariat_window, tmp_path
):
    win = secretariat_window
    db = win.desk.path
    folder = tmp_path / "out"
    folder.mkdir()
    task = exchange_actions.export_per_department(win, folder)
    qtbot.waitUntil(lambda: len(list(folder.glob("*.xlsx"))) >= 2, timeout=60_000)
    assert not task.finished
    # busy, not blocked: the close button reaches the window; its menus and panes rest
    assert not task.dialog.isModal() and QApplication.activeModalWidget() is None
    assert not win.menuBar().isEnabled() and not win.centralWidget().isEnabled()
    assert not win.act_print.isEnabled()
    asked, told = [], []

    def stop(box):
        asked.append(box.text())
        when_modal(qtbot, QMessageBox, lambda b: told.append(b.text()) or b.accept())
        _click(qtbot, box, "stopAndClose")

    when_modal(qtbot, QMessageBox, stop)
    win.close()
    assert asked == ["書き出しの途中です。中止して閉じますか？"]
    assert task.finished and not win.isVisible()
    written = sorted(p.name for p in folder.glob("*.xlsx"))
    assert len(told) == 1 and f"中止までに {len(written)} / " in told[0]
    assert any(name in told[0] for name in written)
    # the database says what the folder holds: every workbook written is a recorded 配布
    win.desk.close()
    with Desk.open(db) as d:
        files = [r[0] for r in d.db.execute_sql("select file_name from exchange_export")]
        assert d.db.execute_sql("pragma integrity_check").fetchone()[0] == "ok"
    assert sorted(files) == written


def test_keep_working_leaves_the_window_open_and_the_task_running(qtbot, secretariat_window):
    win = secretariat_window
    release = threading.Event()

    def work(progress):
        for i in range(2000):  # bounded: 20 s at most
            if release.is_set():
                return "done"
            progress.step(i, 2000)
            time.sleep(0.01)
        return "done"

    results = []
    task = run_task(win, "作業中…", work, results.append, what="書き出し")
    qtbot.waitUntil(task.dialog.isVisible, timeout=10_000)  # as a person sees it
    when_modal(qtbot, QMessageBox, lambda box: _click(qtbot, box, "keepWorking"))
    win.close()
    assert win.isVisible() and not task.finished
    release.set()
    qtbot.waitUntil(lambda: task.finished, timeout=30_000)
    assert results == ["done"]  # its own on_done ran: the window goes on as before
    assert win.menuBar().isEnabled() and win.centralWidget().isEnabled()
    assert win.act_print.isEnabled()
    win.close()  # nothing running: closes without a question
    assert not win.isVisible()


@pytest.mark.skipif(
    not shutil.which("xvfb-run") or not ctypes.util.find_library("X11"),
    reason="needs Xvfb and libX11",
)
def test_the_window_managers_close_button_reaches_the_window_during_a_task(tmp_path):
    """Under a real X server: WM_DELETE_WINDOW while a task runs asks the question (before,
    the modal progress dialog blocked the window and Qt dropped the close without a word)."""
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", PYTHONPATH=f"{REPO}{os.pathsep}{REPO / 'tests'}")
    out = subprocess.run(
        ["xvfb-run", "-a", sys.executable, "-m", "x11_close_probe", str(tmp_path)],
        cwd=REPO / "tests",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = out.stdout.splitlines()
    assert "modal: QMessageBox" in lines, out.stdout + out.stderr[-2000:]
    assert "text: 書き出しの途中です。中止して閉じますか？" in lines
    assert "visible: True" in lines  # 続ける: the window stays


def test_what_is_being_typed_is_saved_before_an_export_starts(
    qtbot, open_window, db_path, tmp_path
):
    """The window turns busy as the task starts: the text box being typed in loses focus
    then, and its text is saved before the worker reads the database, so it is exported."""
    import openpyxl
    from PySide6.QtCore import QSettings, Qt

    from kanazawa_desktop.domain import fields as F

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    win = open_window(db_path, settings, department="人事課")
    e = win.form.editors[(2024, F.RESULT_TEXT)]
    qtbot.mouseClick(e.edit.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(e.edit, "typed just before export")
    out = tmp_path / "jinji.xlsx"
    task = exchange_actions.export_one(win, out)
    qtbot.waitUntil(lambda: task.finished, timeout=60_000)
    wb = openpyxl.load_workbook(out, read_only=True)
    values = {c for row in wb["入力"].iter_rows(values_only=True) for c in row}
    wb.close()
    assert "typed just before export" in values
