"""ファイル → 利用する部署の変更…: another department for this PC, confirmed first; never across the
secretariat/department line here (that is asked for on the command line with --force). The window
is rebuilt for the new role."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from ..domain.errors import DeskError
from .messages import notify
from .role_dialog import RoleDialog


def change_role(window) -> None:
    """Ask the department again; the window is rebuilt for the new role."""
    window.form.commit()
    dlg = RoleDialog(window.desk.departments(), window)
    role = window.desk.role
    if role is not None and role.is_secretariat:
        dlg.as_secretariat.setChecked(True)
    elif role is not None:
        dlg.department.setCurrentText(role.department or "")
    if dlg.exec() != RoleDialog.DialogCode.Accepted:
        return
    department, secretariat = dlg.choice()
    if not _agreed(window, department, secretariat):
        return
    try:
        # never across department/secretariat here (_role_change_agreed): no force
        window.desk.set_role(department=department, secretariat=secretariat)
    except DeskError as exc:
        window.show_error(exc.message)
        return
    window.replacement = type(window)(window.desk, window.settings)
    window.replacement.show()  # shown before closing this one, so the app does not quit
    window.close()


def _agreed(window, department: str | None, secretariat: bool) -> bool:
    """A department's PC never becomes the secretariat's here (nor the reverse): that is
    asked for explicitly on the command line. Another department is confirmed first, saying
    what it means."""
    role = window.desk.role
    if role is None:
        return True
    if secretariat != role.is_secretariat:
        notify(
            window,
            window.tr("役割は変更できません"),
            window.tr(
                "このPCのデータベースは%1のものです。事務局と担当課の切り替えはここではできません。"
                "必要な場合は、システム担当者がコマンド kanazawa-desktop --db <ファイル> "
                "init --secretariat --force（または --department 課名 --force）で行います。"
            ).replace("%1", "事務局" if role.is_secretariat else f"担当課（{role.department}）"),
        )
        return False
    if secretariat or department == role.department:
        return False  # nothing changes
    answer = QMessageBox.question(
        window,
        window.tr("担当課の変更"),
        window.tr(
            "このPCの担当課を「%1」から「%2」に変えます。以後、画面には「%2」の取組だけが"
            "表示され、書き出すブックは「%2」のものになります。変更しますか？"
        )
        .replace("%1", role.department or "")
        .replace("%2", department or ""),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
