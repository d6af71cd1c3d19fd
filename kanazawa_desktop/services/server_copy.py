"""Moving a secretariat onto the shared server (`--db DSN copy-from FILE.sqlite3`).

Copies every table of the secretariat's SQLite file — plans, results, history, imports and
exports, conflicts, drafts, meta (database_uid included, so the departments' returned
workbooks still match) — into an EMPTY server database, keeping every id, in one transaction
(store.pg_copy): a failure halfway leaves the server database empty.

Refused, with nothing written on either side:
- a target that is not a server, or a server database that already has tables;
- a file that is not a database of this app, is damaged, or is from a newer app;
- a file at an older schema version: it is opened read-only and never migrated here (a copy
  must not change the file it copies); opening it once with this app migrates it (with a
  backup beside it), then copy-from takes it;
- a department's database: it holds only that department's view of the plan.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import StoreError
from ..domain.location import Location, Server
from ..store import pg_connection, pg_copy, pg_security
from ..store.schema import LATEST_VERSION, preflight

Progress = pg_copy.Progress


@dataclass(frozen=True)
class CopyResult:
    server: Server
    source: Path
    tables: list[tuple[str, int]]  # (table, rows), in the order copied
    seconds: float

    @property
    def rows(self) -> int:
        return sum(n for _, n in self.tables)


def copy_from(source: Path, target: Location, progress: Progress | None = None) -> CopyResult:
    """Copy the secretariat's file `source` into the empty server database `target`."""
    if not isinstance(target, Server):
        raise StoreError(
            "コピー先には共有サーバーのデータベースを指定してください"
            "（--db postgresql://ログイン名@ホスト:ポート/データベース名）",
            reason="not_server",
        )
    started = time.perf_counter()
    src = _open_source(Path(source))
    try:
        db, _info = pg_connection.connect(target)
        try:
            if not pg_copy.is_empty(db):  # said before reading a row; checked again inside
                raise pg_copy.not_empty(db)
            tables = pg_copy.copy(
                db,
                src,
                progress=progress,
                finish=lambda: pg_security.install(db, target.dbname),
            )
        finally:
            db.close()
    finally:
        src.close()
    return CopyResult(target, Path(source), tables, time.perf_counter() - started)


def _open_source(path: Path) -> pg_copy.Source:
    if not path.is_file():
        raise StoreError(f"コピー元のファイルがありません: {path}", path=str(path))
    preflight(path)  # read-only: not ours, damaged, newer, version against tables
    src = pg_copy.open_source(path)
    try:
        _check_source(src, path)
    except BaseException:
        src.close()
        raise
    return src


def _check_source(src: pg_copy.Source, path: Path) -> None:
    try:
        version_text = src.meta("schema_version")
    except Exception:  # no meta table: an empty or foreign SQLite file
        version_text = None
    if version_text is None:
        raise StoreError(
            f"このファイルは本アプリのデータベースではありません: {path}", path=str(path)
        )
    version = int(version_text)  # preflight refused a version that is no whole number
    if version < LATEST_VERSION:
        raise StoreError(
            f"このデータベースは古い形式です（形式 {version}、現在は {LATEST_VERSION}）。"
            f"先にこのアプリで一度開いて新しい形式にしてから（例: kanazawa-desktop --db {path} "
            "status）コピーしてください",
            path=str(path),
            found=version,
        )
    if src.meta("role") != "secretariat":
        raise StoreError(
            "このデータベースは担当課のものです。サーバーへコピーできるのは事務局の"
            f"データベースだけです: {path}",
            path=str(path),
            reason="not_secretariat",
        )
