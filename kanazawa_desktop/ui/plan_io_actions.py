"""ファイル → 計画を書き出す… / 計画を取り込む… (the secretariat's window; services/plan_io.py).

Export writes the plan on screen. Import reads and checks the whole workbook off the GUI
thread, says what it will add (plan, period, levels, how many nodes, items, indicators) and
asks; a key the database already has is asked for again; the plan is then loaded off the GUI
thread and the window switches to it, so the plan switcher lists it. A refusal is one message
naming the sheet and row; nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from ..domain.errors import DeskError, InvalidValue
from . import file_dialogs
from .messages import notify
from .operations import run_background_op


def _service():
    """services.plan_io, imported when an action runs: it loads openpyxl, half a second of the
    window's cold start otherwise."""
    from ..services import plan_io

    return plan_io


def install(window, menu) -> None:
    """Add both actions to `menu` (the secretariat's window only)."""
    role = window.desk.role
    if role is None or not role.is_secretariat:
        return
    window.act_plan_export = QAction(window.tr("計画を書き出す…"), window)
    window.act_plan_export.setObjectName("actPlanExport")
    window.act_plan_export.triggered.connect(lambda: export_interactive(window))
    window.act_plan_import = QAction(window.tr("計画を取り込む…"), window)
    window.act_plan_import.setObjectName("actPlanImport")
    window.act_plan_import.triggered.connect(lambda: import_interactive(window))
    menu.addAction(window.act_plan_export)
    menu.addAction(window.act_plan_import)


def export_interactive(window) -> None:
    plan = window.desk.plan
    out = file_dialogs.save_file(
        window,
        window.settings,
        file_dialogs.PLAN,
        window.tr("計画を書き出す"),
        f"{plan.code}.xlsx",
        file_dialogs.XLSX,
        "xlsx",
    )
    if out is None:
        return

    def done(written: Path) -> None:
        window.statusBar().showMessage(
            window.tr("計画「%1」を書き出しました: %2")
            .replace("%1", plan.name)
            .replace("%2", str(written)),
            8000,
        )

    window.plan_task = run_background_op(
        window,
        window.tr("計画を書き出し中…"),
        lambda desk, progress: _service().export_plan(desk, plan.code, out),
        done,
        on_error=lambda exc: _refused(window, window.tr("計画を書き出せません"), exc),
    )


def import_interactive(window) -> None:
    path = file_dialogs.open_file(
        window, window.settings, file_dialogs.PLAN, window.tr("計画を取り込む"), file_dialogs.XLSX
    )
    if path:
        import_from(window, path)


def import_from(window, path: Path, key: str | None = None) -> None:
    """Check `path` off the GUI thread, then ask and load (see the module docstring)."""
    window.form.commit()

    def failed(exc: DeskError) -> None:
        taken = exc.data.get("key") if isinstance(exc, InvalidValue) else None
        if isinstance(taken, str) and key is None:
            new, ok = QInputDialog.getText(
                window,
                window.tr("計画キー"),
                exc.message + "\n" + window.tr("新しい計画キー:"),
                QLineEdit.EchoMode.Normal,
                f"{taken}_2",
            )
            if ok and new.strip():
                import_from(window, path, new.strip())
            return
        _refused(window, window.tr("計画を取り込めません"), exc)

    window.plan_task = run_background_op(
        window,
        window.tr("計画のブックを確認中…"),
        lambda desk, progress: _service().read_plan_file(desk, path, key),
        lambda data: _confirm_and_load(window, path, data),
        on_error=failed,
    )


def _confirm_and_load(window, path: Path, data: dict) -> None:
    summary = _service().summarize(data)
    answer = QMessageBox.question(
        window,
        window.tr("計画を取り込む"),
        window.tr("次の計画を追加します。よろしいですか。\n\n%1").replace("%1", summary.describe()),
    )
    if answer != QMessageBox.StandardButton.Yes:
        return

    def done(result) -> None:
        window.switch_plan(summary.code)  # rebuilt: the switcher lists the new plan
        window.statusBar().showMessage(
            window.tr("計画「%1」を追加しました").replace("%1", summary.name), 8000
        )

    window.plan_task = run_background_op(
        window,
        window.tr("計画を取り込み中…"),
        lambda desk, progress: _service().load_checked(desk, data, path.name),
        done,
        on_error=lambda exc: _refused(window, window.tr("計画を取り込めません"), exc),
    )


def _refused(window, title: str, exc: DeskError) -> None:
    window.statusBar().showMessage(exc.message, 8000)
    notify(window, title, exc.message)
