"""The logins of a server database (`user add`, `user list`): the secretariat's and one role
per department, enforced by the server (store/pg_security)."""

from __future__ import annotations

from ..domain.errors import InvalidValue, PermissionDenied
from ..domain.location import Server
from ..store import pg_security
from ..store.connection import write_transaction
from .desk import Desk


def _server(desk: Desk) -> Server:
    if not isinstance(desk.path, Server):
        raise InvalidValue(
            "ログインは共有サーバー（--db postgresql://…）のデータベースにだけあります。"
            "このPCのデータベースファイルには不要です"
        )
    return desk.path


def add_user(desk: Desk, login: str, password: str | None, department: str | None) -> None:
    server = _server(desk)
    role = desk.role
    if role is None or not role.is_secretariat:
        raise PermissionDenied("ログインを作れるのは事務局だけです")
    with write_transaction(desk.db):
        pg_security.add_user(desk.db, server.dbname, login, password, department)


def list_users(desk: Desk) -> list[tuple[str, str]]:
    return pg_security.users(desk.db, _server(desk).dbname)
