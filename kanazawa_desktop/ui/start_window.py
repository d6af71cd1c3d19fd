"""The main window on an open desk: the first-start question on a new file, the refusal of
a server login that belongs to no one of its database."""

from __future__ import annotations

from ..domain.location import Server
from ..services.desk import Desk


def window_for(desk: Desk, settings):
    """The main window on an open desk, asking the role on a new file; None when the person
    cancelled or (a server) the login belongs to no one of this database."""
    from PySide6.QtWidgets import QDialog, QMessageBox

    from .main_window import MainWindow
    from .role_dialog import RoleDialog

    if desk.role is None and isinstance(desk.path, Server):
        QMessageBox.warning(
            None,
            "取組管理デスク",
            f"このログイン（{desk.path.user}）は、このデータベースの事務局にも担当課にも"
            "登録されていません。事務局に登録（user add）を依頼してください。",
        )
        desk.close()
        return None
    if desk.role is None:
        dlg = RoleDialog(desk.departments())
        if dlg.exec() != QDialog.DialogCode.Accepted:
            desk.close()
            return None
        department, secretariat = dlg.choice()
        desk.set_role(department=department, secretariat=secretariat)
    return MainWindow(desk, settings)
