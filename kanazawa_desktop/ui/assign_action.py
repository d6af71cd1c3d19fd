"""取組 → 担当課を表から設定…: the secretariat picks a table (番号, 担当課), sees what it
would change, confirms, and the change is one undoable batch (services/assign.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from ..domain.errors import DeskError
from . import file_dialogs
from .operations import run_op


def _assign(*args, **kwargs):
    """services.assign, imported when the action runs: it loads openpyxl, half a second of the
    window's cold start otherwise."""
    from ..services.assign import assign_departments

    return assign_departments(*args, **kwargs)


def install(window, menu) -> QAction:
    act = QAction(window.tr("担当課を表から設定…"), window)
    act.setObjectName("actAssign")
    act.triggered.connect(lambda: assign_interactive(window))
    menu.addAction(act)
    return act


def assign_interactive(window) -> None:
    path = file_dialogs.open_file(
        window,
        window.settings,
        file_dialogs.TABLE,
        window.tr("担当課の表を開く"),
        file_dialogs.XLSX,
    )
    if path:
        assign_from(window, path)


def assign_from(window, path: Path) -> bool:
    """Check the whole table, say what it changes, and apply it when confirmed."""
    window.form.commit()
    try:
        dry = _assign(window.desk, path, dry_run=True)
    except DeskError as exc:
        window.show_error(exc.message)
        return False
    if not dry.changed:
        window.statusBar().showMessage(
            window.tr("変更はありません（%1件とも今の担当課のままです）").replace(
                "%1", str(dry.unchanged)
            ),
            8000,
        )
        return False
    answer = QMessageBox.question(
        window,
        window.tr("担当課を表から設定"),
        window.tr("計画「%1」の %2件の担当課を変更します（変更なし %3件）。よろしいですか。")
        .replace("%1", window.desk.plan.name)
        .replace("%2", str(dry.changed))
        .replace("%3", str(dry.unchanged)),
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    done = run_op(window, lambda desk: _assign(desk, path))
    if done is None:
        return False
    window.statusBar().showMessage(
        window.tr("担当課を %1件変更しました（元に戻す: Ctrl+Z）").replace("%1", str(done.changed)),
        8000,
    )
    return True
