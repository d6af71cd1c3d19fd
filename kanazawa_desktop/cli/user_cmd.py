"""`user add LOGIN (--department NAME | --secretariat)` and `user list`: the logins of a
shared server database. The password is asked twice at the terminal, or read from stdin
(`--password-stdin`), never taken from the command line where `ps` would show it."""

from __future__ import annotations

import argparse
import getpass
import sys

from ..domain.location import Location


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("user", help="共有サーバーのログインを作成・一覧します")
    ops = p.add_subparsers(dest="operation", metavar="操作", required=True)
    add = ops.add_parser("add", help="ログインを作ります（事務局か担当課）")
    add.add_argument("login", metavar="LOGIN", help="ログイン名（半角英小文字・数字・_ . -）")
    who = add.add_mutually_exclusive_group(required=True)
    who.add_argument("--department", metavar="NAME", help="担当課の名前（例: 人事課）")
    who.add_argument("--secretariat", action="store_true", help="事務局のログイン")
    pw = add.add_mutually_exclusive_group()
    pw.add_argument(
        "--password-stdin", action="store_true", help="パスワードを標準入力の1行から読みます"
    )
    pw.add_argument(
        "--no-password",
        action="store_true",
        help="パスワードなし（サーバー側の認証 cert・gss などを使う場合）",
    )
    add.set_defaults(func=run_add)
    ls = ops.add_parser("list", help="ログインの一覧")
    ls.set_defaults(func=run_list)


def _password(args: argparse.Namespace) -> str | None:
    from ..domain.errors import InvalidValue

    if args.no_password:
        return None
    if args.password_stdin:
        text = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise InvalidValue("パスワードは端末で入力するか --password-stdin で渡してください")
        text = getpass.getpass("パスワード: ")
        if getpass.getpass("もう一度: ") != text:
            raise InvalidValue("2回のパスワードが一致しません。何も作っていません")
    if len(text) < 8:
        raise InvalidValue("パスワードは8文字以上にしてください。何も作っていません")
    return text


def run_add(args: argparse.Namespace, db_path: Location) -> int:
    from ..services.desk import Desk
    from ..services.server_users import add_user

    password = _password(args)
    with Desk.open(db_path, create=False) as desk:
        add_user(desk, args.login, password, None if args.secretariat else args.department)
    who = "事務局" if args.secretariat else args.department
    print(f"ログイン「{args.login}」を作りました（{who}）")
    return 0


def run_list(args: argparse.Namespace, db_path: Location) -> int:
    from ..services.desk import Desk
    from ..services.server_users import list_users

    with Desk.open(db_path, create=False) as desk:
        for login, who in list_users(desk):
            print(f"{login}\t{who}")
    return 0
