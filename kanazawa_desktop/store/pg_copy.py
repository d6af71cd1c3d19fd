"""Copying a SQLite file's rows into a new server database: the SQL side of `copy-from`.

The file is read through its own read-only connection, in one read transaction (a snapshot:
a window that saves meanwhile cannot make the copy see half an edit). The server side runs in
ONE write transaction: schema (the same steps as `init`), every table's rows in foreign-key
order with their ids (`COPY … FROM STDIN`; the file's drafts, which have no owner there,
become the copying login's), identity sequences set past the largest id,
statistics (ANALYZE), then whatever the caller adds (roles and policies). Anything failing
rolls it all back: the server database is left as empty as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain.errors import StoreError
from .connection import BUSY_TIMEOUT_MS
from .models import database_proxy
from .pg_connection import ServerDatabase, storage_error, write_transaction
from .pg_security import q
from .schema import ensure_schema

Progress = Callable[[str, int], None]  # (table, rows copied), once per table when it is done
CHUNK_ROWS = 5000  # rows read from the file at a time (memory stays flat at 20,000 measures)


@dataclass(frozen=True)
class Source:
    """An open read-only SQLite file and what it holds."""

    path: Path
    con: sqlite3.Connection

    def meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def tables(self) -> list[str]:
        """Every table, parents before the tables whose foreign keys point at them."""
        names = sorted(
            r[0]
            for r in self.con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        )
        parents = {
            t: {r[2] for r in self.con.execute(f"PRAGMA foreign_key_list({q(t)})")} for t in names
        }
        ordered: list[str] = []
        todo = list(names)
        while todo:
            ready = [t for t in todo if parents[t] - {t} <= set(ordered)]
            if not ready:  # a cycle between tables: the steps never make one
                raise StoreError(f"テーブルの参照が循環しています: {', '.join(todo)}")
            ordered += ready
            todo = [t for t in todo if t not in ready]
        return ordered

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.con.execute(f"PRAGMA table_info({q(table)})")]

    def rows(self, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
        """The table's rows, a chunk at a time. A table that refers to itself (node.parent_id)
        needs no order: it is one COPY statement, and the server checks foreign keys at the
        end of the statement."""
        cols = ", ".join(q(c) for c in columns)
        cur = self.con.execute(f"SELECT {cols} FROM {q(table)} ORDER BY rowid")
        while chunk := cur.fetchmany(CHUNK_ROWS):
            yield from chunk

    def close(self) -> None:
        self.con.close()


def open_source(path: Path) -> Source:
    """Open `path` read-only, in a read transaction kept until close()."""
    uri = "file:" + path.resolve().as_posix().replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        con.execute("BEGIN")
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
    except sqlite3.Error as exc:
        raise StoreError(
            f"データベースファイルを読めません: {path}（{exc}）", path=str(path)
        ) from exc
    return Source(path, con)


def is_empty(db: ServerDatabase) -> bool:
    """No table, view or sequence in the login's schema yet."""
    row = db.execute_sql(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
    ).fetchone()
    return int(row[0]) == 0


@contextmanager
def _bound(db: ServerDatabase) -> Iterator[None]:
    """The models bound to `db` for the schema steps (they write meta through them), and
    bound back afterwards, so a desk open on another database is not moved."""
    before = database_proxy.obj
    database_proxy.initialize(db)
    try:
        yield
    finally:
        database_proxy.initialize(before)


def copy(
    db: ServerDatabase,
    source: Source,
    *,
    progress: Progress | None = None,
    finish: Callable[[], None] | None = None,
) -> list[tuple[str, int]]:
    """Schema, rows, sequences and `finish()` in one transaction; (table, rows) in copy order.

    Refuses (StoreError) a database that is no longer empty when the transaction starts."""
    copied: list[tuple[str, int]] = []
    current = ""  # the table being copied, for the message when the server refuses a row
    try:
        with _bound(db), write_transaction(db):
            if not is_empty(db):
                raise not_empty(db)
            ensure_schema(db, None)
            tables = source.tables()
            server_tables = set(_server_columns(db))
            missing = [t for t in tables if t not in server_tables]
            if missing:
                raise StoreError(
                    "サーバーの形式にないテーブルがファイルにあります: " + ", ".join(missing)
                )
            for table in reversed(tables):  # what the steps wrote (meta's schema_version)
                db.execute_sql(f"DELETE FROM {q(table)}")
            for table in tables:
                current = table
                n = _copy_table(db, source, table)
                copied.append((table, n))
                if progress is not None:
                    progress(table, n)
            current = ""
            # a file's drafts are its one PC's person's: on the server, the login moving it
            db.execute_sql('UPDATE "draft" SET "owner" = session_user WHERE "owner" = \'\'')
            _set_sequences(db)
            # the planner's statistics now, not when autovacuum comes round: the first
            # windows opened after the move would otherwise plan on empty-table estimates
            for table in tables:
                db.execute_sql(f"ANALYZE {q(table)}")
            if finish is not None:
                finish()
    except StoreError:
        raise
    except Exception as exc:
        known = storage_error(exc, db.server)
        if known is not None:
            raise known from exc
        if type(exc).__module__.startswith("psycopg"):
            where = f"表「{current}」の" if current else ""
            raise StoreError(
                f"サーバーへの{where}コピーに失敗しました（何も書き込んでいません）: "
                f"{_first_line(exc)}",
                reason="copy_failed",
                table=current,
            ) from exc
        raise
    return copied


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def not_empty(db: ServerDatabase) -> StoreError:
    return StoreError(
        "コピー先のサーバーのデータベースは空ではありません。"
        f"空のデータベースを作ってから指定してください: {db.server.display}",
        reason="not_empty",
        server=db.server.display,
    )


def _server_columns(db: ServerDatabase) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for table, column in db.execute_sql(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema()"
    ).fetchall():
        out.setdefault(str(table), set()).add(str(column))
    return out


def _copy_table(db: ServerDatabase, source: Source, table: str) -> int:
    columns = source.columns(table)
    cols = ", ".join(q(c) for c in columns)
    n = 0
    with db.cursor() as cur, cur.copy(f"COPY {q(table)} ({cols}) FROM STDIN") as pipe:
        for row in source.rows(table, columns):
            pipe.write_row(row)
            n += 1
    return n


def _set_sequences(db: ServerDatabase) -> None:
    """Every identity column's sequence past the largest id copied (an empty table: 1)."""
    for table, column in db.execute_sql(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'"
    ).fetchall():
        t, c = q(str(table)), q(str(column))
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX({c}), 0) + 1, false)"
            f" FROM {t}",
            (t, str(column)),
        )
