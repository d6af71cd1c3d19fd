"""共有サーバーへの接続: where the shared server is, the login, and the password (asked,
or taken from the OS keyring; never written to the settings).

`open_server_desk` is what the window's start and ファイル → 共有サーバーに接続… use: it tries
the kept password, asks when the server wants one or refuses it, and says in Japanese what
went wrong (unreachable, login refused, no such database).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import DeskError
from ..domain.location import DEFAULT_PORT, Server
from ..services import credentials
from ..services.desk import Desk

T = TypeVar("T")


class ServerDialog(QDialog):
    def __init__(
        self, server: Server | None = None, message: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("serverDialog")
        self.setWindowTitle(self.tr("共有サーバーに接続"))
        layout = QVBoxLayout(self)
        self.message = QLabel(message)
        self.message.setObjectName("serverMessage")
        self.message.setWordWrap(True)
        self.message.setVisible(bool(message))
        self.message.setStyleSheet("color: #b00020;")
        layout.addWidget(self.message)
        form = QFormLayout()
        self.host = QLineEdit(server.host if server else "")
        self.host.setPlaceholderText("db.city.kanazawa.local")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(server.port if server else DEFAULT_PORT)
        self.dbname = QLineEdit(server.dbname if server else "")
        self.user = QLineEdit(server.user if server else "")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("サーバー名（ホスト）"), self.host)
        form.addRow(self.tr("ポート"), self.port)
        form.addRow(self.tr("データベース名"), self.dbname)
        form.addRow(self.tr("ログイン名"), self.user)
        form.addRow(self.tr("パスワード"), self.password)
        layout.addLayout(form)
        self.remember = QCheckBox(self.tr("パスワードをこのPCの資格情報に保存する"))
        self.remember.setEnabled(credentials.available())
        if not credentials.available():
            self.remember.setToolTip(self.tr("このPCには資格情報の保管庫がありません"))
        layout.addWidget(self.remember)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("接続"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("キャンセル"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if server and server.user else self.host).setFocus()

    def _accept(self) -> None:
        missing = [
            name
            for name, box in (
                (self.tr("サーバー名"), self.host),
                (self.tr("データベース名"), self.dbname),
                (self.tr("ログイン名"), self.user),
            )
            if not box.text().strip()
        ]
        if missing:
            self.message.setText(self.tr("入力してください: ") + "、".join(missing))
            self.message.setVisible(True)
            return
        self.accept()

    def server(self) -> Server:
        return Server(
            self.host.text().strip(),
            self.port.value(),
            self.dbname.text().strip(),
            self.user.text().strip(),
            self.password.text() or None,
        )


def ask_until(
    server: Server | None,
    attempt: Callable[[Server], T],
    parent: QWidget | None = None,
    *,
    ask_first: bool = False,
) -> tuple[T, Server] | None:
    """`attempt(server)` until it succeeds, asking (the dialog, with why the last try failed)
    when there is nothing to try or it failed; None when the person cancels. A kept password
    is tried first, one the server refused is forgotten, and a new one is kept if asked."""
    message = ""
    remember = False
    if server is not None and server.password is None:
        server = server.with_password(credentials.stored_password(server))
    while True:
        if ask_first or server is None:
            dlg = ServerDialog(server, message, parent)
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return None
            server, remember = dlg.server(), dlg.remember.isChecked()
            ask_first = False
        try:
            result = attempt(server)
        except DeskError as exc:
            if exc.data.get("reason") == "login_refused":
                credentials.forget_password(server)  # a kept password that no longer works
            message, ask_first = exc.message, True
            continue
        if remember and server.password:
            credentials.store_password(server, server.password)
        return result, server


def open_server_desk(server: Server | None, parent: QWidget | None = None) -> Desk | None:
    """A desk on the server, asking for what is missing; None when the person cancels."""
    got = ask_until(server, lambda s: Desk.open(s, create=False), parent)
    return got[0] if got is not None else None
