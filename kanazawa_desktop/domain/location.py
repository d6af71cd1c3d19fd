"""Where a database lives: a SQLite file (a Path) or a shared PostgreSQL server (Server).

`--db` takes either; a text that starts with postgresql:// or postgres:// is a server.
The password is never part of what is shown or stored: `display` leaves it out, and the
window asks for it (or takes it from the OS keyring) instead of keeping it in settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from .errors import InvalidValue

SCHEMES = ("postgresql", "postgres")
DEFAULT_PORT = 5432


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    dbname: str
    user: str
    password: str | None = field(default=None, repr=False, compare=False)

    @property
    def display(self) -> str:
        """postgresql://user@host:port/dbname, without the password: for titles and messages."""
        return f"postgresql://{quote(self.user)}@{self.host}:{self.port}/{quote(self.dbname)}"

    def __str__(self) -> str:  # messages print a location as they print a path
        return self.display

    def with_password(self, password: str | None) -> Server:
        return Server(self.host, self.port, self.dbname, self.user, password)

    def as_user(self, user: str, password: str | None = None) -> Server:
        return Server(self.host, self.port, self.dbname, user, password)


Location = Path | Server


def is_server_text(text: str) -> bool:
    return text.strip().lower().startswith(tuple(f"{s}://" for s in SCHEMES))


def parse_server(text: str) -> Server:
    """postgresql://user[:password]@host[:port]/dbname; InvalidValue naming what is missing."""
    parts = urlsplit(text.strip())
    if parts.scheme.lower() not in SCHEMES:
        raise InvalidValue(f"サーバーの指定は postgresql:// で始めます: {text}")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise InvalidValue(f"サーバーのポート番号が正しくありません: {text}") from None
    dbname = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not dbname or "/" in dbname:
        raise InvalidValue(
            "サーバーの指定は postgresql://ログイン名@ホスト:ポート/データベース名 の形です: "
            f"{_without_password(text)}"
        )
    if not parts.username:
        raise InvalidValue(f"サーバーのログイン名がありません: {_without_password(text)}")
    password = unquote(parts.password) if parts.password is not None else None
    return Server(parts.hostname, port, dbname, unquote(parts.username), password)


def parse_location(text: str) -> Location:
    return parse_server(text) if is_server_text(text) else Path(text).expanduser()


def _without_password(text: str) -> str:
    parts = urlsplit(text.strip())
    if parts.password is None:
        return text
    host = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=f"{parts.username}@{host}").geturl()
