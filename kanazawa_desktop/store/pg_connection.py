"""Opening a shared PostgreSQL server: the only place that knows the store is PostgreSQL.

The same models, repository and migrations serve both backends; what differs is here:
- raw SQL is written once with `?` placeholders (SQLite's); `ServerDatabase.execute_sql`
  turns them into psycopg's `%s` (outside quotes) so the repository's queries run unchanged;
- every write transaction is REPEATABLE READ. The repository's read-check-write (a save
  checks the field still holds what the person saw) relies on one writer at a time under
  SQLite; under PostgreSQL's default READ COMMITTED two people saving one field at once
  would both pass the check and one edit would be lost without a word. REPEATABLE READ makes
  the later of the two fail (40001) instead; the save is then tried again and the check finds
  the other person's value (ConflictError, with both values);
- "has anyone else committed?" (SQLite's PRAGMA data_version) is answered by LISTEN/NOTIFY:
  triggers notify at commit (never before), a listening connection counts what other
  connections sent (`ServerDatabase.data_version`);
- failures are worded in Japanese: unreachable, login refused, permission denied (naming what
  was refused), serialization conflict.
Who wrote a change is the login (`session_user`), never a setting of the PC.
"""

from __future__ import annotations

import re
import select
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from peewee import PostgresqlDatabase

from ..domain.errors import DeskError, PermissionDenied, StoreError
from ..domain.location import Server
from .failures import exception_chain

CONNECT_TIMEOUT_S = 10
CHANNEL = "kanazawa_desk"
APPLICATION = "kanazawa-desktop"


@dataclass(frozen=True)
class ServerInfo:
    server: Server
    login: str  # session_user
    version: str  # the server's version, for the about box and messages
    on_network: bool = False  # the SQLite file's warning does not apply
    journal_mode: str = "server"


_READ = re.compile(r"\s*(SELECT|WITH|SHOW)\b", re.IGNORECASE)


def qmark_to_format(sql: str) -> str:
    """`?` placeholders outside quotes become `%s`, and every `%` is doubled (psycopg reads
    `%` as the start of a placeholder when parameters are given)."""
    out = []
    quote: str | None = None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "?":
            out.append("%s")
            continue
        out.append("%%" if ch == "%" else ch)
    return "".join(out)


def _params(server: Server, application: str) -> dict[str, Any]:
    """What both connections (the models' and the listener) are opened with."""
    return {
        "host": server.host,
        "port": server.port,
        "user": server.user,
        "password": server.password,
        "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": application,
    }


# in the inbox after the listening connection was lost and made again: anything may have
# changed meanwhile (services/remote_changes reads everything again)
RECONNECTED = "kd:reconnected"


class ServerDatabase(PostgresqlDatabase):
    """peewee's PostgresqlDatabase (psycopg 3) with the store's raw-SQL dialect and a count of
    what other connections committed."""

    def __init__(self, server: Server, **kwargs: Any) -> None:
        self.server = server
        self._own_pids: set[int] = set()
        self._listener: Any = None
        # reentrant: drain() holds it across reading, noticing a loss and listening again
        self._listen_lock = threading.RLock()
        self._commits_by: dict[int, int] = {}  # backend pid -> notifications it sent
        self._inbox: list[str] = []  # payloads from other processes, not yet taken
        # told when a read for another reason (data_version) took payloads off the socket:
        # the socket is then no longer readable, so whoever waits on it must hear it here
        self.on_pending: Callable[[], None] | None = None
        self._lost = False  # the listening connection was lost and is not back yet
        self._thread_pid = threading.local()
        super().__init__(
            server.dbname,
            **_params(server, APPLICATION),
            prefer_psycopg3=True,
            **kwargs,
        )

    def _connect(self) -> Any:
        conn = super()._connect()
        self._own_pids.add(conn.info.backend_pid)
        self._thread_pid.pid = conn.info.backend_pid  # peewee: one connection per thread
        return conn

    # ---- a lost connection (server restarted, network dropped) is made again --------
    def _forget_lost(self) -> bool:
        """Forget this thread's connection if it is dead, so the next statement connects
        again; True if it was. Never inside a transaction: that one is lost and reported."""
        conn = self._state.conn
        if self._state.closed or conn is None or not (conn.closed or conn.broken):
            return False
        if self.in_transaction():
            return False
        self.close()
        return True

    def begin(self, isolation_level: Any = None) -> None:
        self._forget_lost()
        try:
            super().begin(isolation_level)
        except Exception as exc:
            # a restart is only noticed on use; nothing has been done yet, so a new
            # connection may begin the transaction instead
            if not (_is_connection_lost(exc) and self._forget_lost()):
                raise
            super().begin(isolation_level)

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        if params and "?" in sql:
            sql = qmark_to_format(sql)
        if not self.in_transaction():
            self._forget_lost()
        try:
            return super().execute_sql(sql, params)
        except Exception as exc:
            if self.in_transaction() or not _is_connection_lost(exc):
                raise
            # a read on its own is asked again on a new connection; a lone write is not
            # (whether it was done is unknown): it is reported
            if self._forget_lost() and _READ.match(sql):
                try:
                    return super().execute_sql(sql, params)
                except Exception as again:
                    exc = again
            raise (storage_error(exc, self.server) or exc) from exc

    # ---- commits by others (LISTEN/NOTIFY) ------------------------------------------
    def listener(self) -> Any:
        """A connection of its own that LISTENs (autocommit); made on first use."""
        with self._listen_lock:
            if self._listener is None:
                import psycopg

                try:
                    self._listener = psycopg.connect(
                        dbname=self.server.dbname,
                        autocommit=True,
                        **_params(self.server, f"{APPLICATION} (listen)"),
                    )
                    self._listener.execute(f"LISTEN {CHANNEL}")
                except psycopg.Error as exc:
                    raise connect_error(exc, self.server) from exc
                if self._lost:  # back after a loss: anything may have changed meanwhile
                    self._lost = False
                    self._commits_by[-1] = self._commits_by.get(-1, 0) + 1
                    self._inbox.append(RECONNECTED)
            return self._listener

    def drain(self, *, tell: bool = True) -> None:
        """Read what has arrived (never blocks): counted per sender, and kept for take_inbox
        when another process sent it (this app's own threads broadcast their changes). With
        `tell`, on_pending hears of anything waiting in the inbox."""
        with self._listen_lock:  # one thread at a time notices a loss and listens again
            con = self.listener()
            try:
                for note in _notes(con):
                    self._commits_by[note.pid] = self._commits_by.get(note.pid, 0) + 1
                    if note.pid not in self._own_pids:
                        self._inbox.append(note.payload)
            except Exception as exc:
                if not _is_connection_lost(exc):
                    raise
            if con.closed or con.broken:  # the server went away: until it is back, what
                con.close()  # is sent is unknown (RECONNECTED then)
                self._listener = None
                self._lost = True
                self.listener()  # listening again (DeskError in Japanese while it is down)
            waiting = bool(self._inbox)
        callback = self.on_pending
        if waiting and tell and callback is not None:
            callback()

    def take_inbox(self) -> list[str]:
        """The payloads other processes committed since the last call."""
        self.drain(tell=False)
        with self._listen_lock:
            out, self._inbox = self._inbox, []
        return out

    def socket(self) -> int:
        """The listening connection's socket, for a Qt socket notifier: readable when a
        notification arrives, so the window wakes without polling."""
        return int(self.listener().fileno())

    def data_version(self) -> int:
        """Grows when another connection (another person, or another thread of this app,
        like SQLite's PRAGMA data_version) commits; not for this thread's own commits.
        While the server cannot be reached the count stays as it was: what is kept in memory
        can still be shown, and take_inbox says the server is away (and, once it is back,
        that everything may have changed)."""
        try:
            self.drain()
        except DeskError:
            pass
        mine = getattr(self._thread_pid, "pid", None)
        with self._listen_lock:
            return sum(n for pid, n in self._commits_by.items() if pid != mine)

    def close_listener(self) -> None:
        """Closed with the database by its last desk, never by close(): peewee's close()
        ends only the calling thread's connection, and worker threads call it when done."""
        with self._listen_lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None


def _notes(con: Any) -> list[Any]:
    """What arrived on the listening connection. A socket that is readable with nothing to
    read is a closed one (the server stopped): reading it raises, and marks it broken —
    psycopg's notifies() alone does not notice."""
    notes = list(con.notifies(timeout=0))
    if not notes and select.select([con.fileno()], [], [], 0)[0]:
        con.pgconn.consume_input()
        notes = list(con.notifies(timeout=0))
    return notes


def connect(server: Server) -> tuple[ServerDatabase, ServerInfo]:
    """Connect, or StoreError in Japanese (unreachable, login refused, no such database)."""
    db = ServerDatabase(server)
    try:
        db.connect()
        login, version = db.execute_sql(
            "SELECT session_user, current_setting('server_version')"
        ).fetchone()
    except Exception as exc:
        db.close()
        raise connect_error(exc, server) from exc
    return db, ServerInfo(server=server, login=str(login), version=str(version))


def _sqlstate(exc: BaseException) -> str | None:
    for e in exception_chain(exc):
        state = getattr(e, "sqlstate", None)
        if state:
            return str(state)
    return None


def _primary(exc: BaseException) -> str:
    for e in exception_chain(exc):
        diag = getattr(e, "diag", None)
        if diag is not None and diag.message_primary:
            return str(diag.message_primary)
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def connect_error(exc: BaseException, server: Server) -> DeskError:
    if isinstance(exc, DeskError):
        return exc
    state = _sqlstate(exc)
    text = str(exc).lower()
    where = server.display
    if state == "3D000" or f'database "{server.dbname.lower()}" does not exist' in text:
        return StoreError(
            f"サーバーにデータベース「{server.dbname}」がありません: {where}",
            reason="no_database",
            server=where,
        )
    phrases = ("password authentication failed", "does not exist", "authentication failed")
    refused = state in ("28P01", "28000") or any(p in text for p in phrases)
    asked = "no password supplied" in text or "fe_sendauth" in text
    if asked or refused and server.password is None and "password" in text:
        return StoreError(
            f"サーバーのパスワードが必要です: {where}", reason="password_needed", server=where
        )
    if refused:
        return StoreError(
            f"サーバーがログインを拒否しました（ログイン名かパスワードが違います）: {where}",
            reason="login_refused",
            server=where,
        )
    if state == "42501":
        return StoreError(
            f"このログインはデータベースに接続できません（権限がありません）: {where}",
            reason="permission",
            server=where,
        )
    return StoreError(
        f"サーバーに接続できません。サーバー名・ポートとネットワークを確かめてください: {where}"
        f"（{_primary(exc)}）",
        reason="unreachable",
        server=where,
    )


# serialization failure, deadlock, and a unique key two writers created at once
SERIALIZATION_STATES = ("40001", "40P01", "23505")
# REPEATABLE READ, not SERIALIZABLE: a read-check-write of one row is already safe (the
# later writer of a row changed since its snapshot fails), and SERIALIZABLE's predicate
# locks failed saves of different measures as "pivots" when ten people saved at once
ISOLATION = "REPEATABLE READ"


def storage_error(exc: BaseException, server: Server) -> DeskError | None:
    """The Japanese error for a failed operation on the server, or None if it is not one."""
    for e in exception_chain(exc):
        if isinstance(e, DeskError):
            return e
    state = _sqlstate(exc)
    where = server.display
    if state in SERIALIZATION_STATES:
        return StoreError(
            "他の人が同時に同じデータを変更したため、保存できませんでした。もう一度やり直してください",
            reason="serialization",
            server=where,
        )
    if state == "42501" or state == "42P17" or (state or "").startswith("42501"):
        return PermissionDenied(
            f"サーバーがこの操作を許可しませんでした（権限がありません: {_primary(exc)}）",
            reason="server_permission",
            detail=_primary(exc),
        )
    if state == "53100":
        return StoreError(
            f"サーバーのディスクの空き容量が不足しています。管理者に連絡してください: {where}",
            reason="disk_full",
        )
    if state in ("57P01", "57P02", "57P03", "08000", "08003", "08006") or (
        state is None and _is_connection_lost(exc)
    ):
        return StoreError(
            "サーバーとの接続が切れました（この操作は行われていません）。サーバーに"
            f"つながれば、次の操作で自動的に接続し直します: {where}",
            reason="unreachable",
            server=where,
        )
    if state == "25006":  # read-only transaction (a standby)
        return StoreError(f"サーバーが読み取り専用です: {where}", reason="readonly")
    return None


def _is_connection_lost(exc: BaseException) -> bool:
    try:
        import psycopg
    except ImportError:  # pragma: no cover
        return False
    return any(isinstance(e, psycopg.OperationalError) for e in exception_chain(exc))


@contextmanager
def write_transaction(db: ServerDatabase) -> Iterator[object]:
    """REPEATABLE READ at the outermost level, a savepoint nested; failures worded."""
    outer = not db.in_transaction()
    try:
        with db.atomic(**({"isolation_level": ISOLATION} if outer else {})) as txn:
            yield txn
    except DeskError:
        raise
    except Exception as exc:
        known = storage_error(exc, db.server)
        if known is not None:
            raise known from exc
        raise


def close_listener(db: object) -> None:
    if isinstance(db, ServerDatabase):
        db.close_listener()


def on_pending(db: object, callback: Callable[[], None] | None) -> None:
    """`callback()` (from any thread) when payloads wait in the inbox that the socket no
    longer shows; None to stop."""
    assert isinstance(db, ServerDatabase)
    db.on_pending = callback


def take_inbox(db: object) -> list[str]:
    assert isinstance(db, ServerDatabase)
    return db.take_inbox()


def socket(db: object) -> int:
    assert isinstance(db, ServerDatabase)
    return db.socket()


def is_serialization_failure(exc: BaseException) -> bool:
    return isinstance(exc, StoreError) and exc.data.get("reason") == "serialization"
