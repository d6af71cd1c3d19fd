"""Opening the SQLite file: the only place that knows it is SQLite.

Pragmas follow sqlite.org: foreign keys on, a busy timeout, WAL on a local disk; on a network
share WAL is never used (it needs shared memory on one machine), the rollback journal is.
synchronous=FULL in both: with NORMAL a WAL database stays consistent after a power cut but
may lose its last commits — the drafts that promise typed text survives. FULL costs one
fsync per commit (0.24 ms here against 0.02 ms; writes are a save or a draft, not a loop).
Problems a person can meet (not a database, a newer version, locked, read-only folder,
a full disk) become StoreError with a Japanese message, and the file is left untouched.
`storage_error` is the one place that words a SQLite failure; `write_transaction` applies
it to every write, so each command and the window get the same sentence.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from peewee import Database as _PeeweeDatabase
from peewee import SqliteDatabase

from ..domain.errors import DeskError, StoreError
from ..files import staging
from .failures import exception_chain

# the type of an open database (a SQLite file or a server), for the layers above that must
# not import peewee themselves
Database: TypeAlias = _PeeweeDatabase


def is_server(db: object) -> bool:
    """True for a PostgreSQL server's database (store.pg_connection), False for a file."""
    from .pg_connection import ServerDatabase

    return isinstance(db, ServerDatabase)


SQLITE_HEADER = b"SQLite format 3\x00"
# the first bytes of a rollback journal and of a WAL file (sqlite.org/fileformat.html)
_COMPANION_MAGIC = (
    bytes.fromhex("d9d505f920a163d7"),
    bytes.fromhex("377f0682"),
    bytes.fromhex("377f0683"),
)
_COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL = 5, 6, 8, 10, 13
_SQLITE_CANTOPEN = 14
# SQLite reports a full disk as SQLITE_FULL only for the database and journal pages; growing
# the -shm (SQLITE_IOERR_SHMSIZE) or a short write (IOERR_WRITE) come back as I/O errors.
# On a disk with less than this left, an I/O error is taken for what it is: a full disk.
LOW_SPACE_BYTES = 1 << 20
_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
BUSY_TIMEOUT_MS = 5000
_NETWORK_FS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb",
    "smb2",
    "smb3",
    "smbfs",
    "fuse.sshfs",
    "sshfs",
    "9p",
    "afs",
    "ncpfs",
    "glusterfs",
    "ceph",
    "fuse.rclone",
    "davfs",
    "fuse.davfs2",
}


@dataclass(frozen=True)
class SqliteInfo:
    path: Path
    on_network: bool
    journal_mode: str


def is_network_path(path: Path) -> bool:
    """True when `path` lies on a network share (UNC, mapped drive, NFS/SMB mount)."""
    p = str(path)
    if p.startswith("\\\\") or p.startswith("//"):
        return True
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(p))[0]
        if drive:
            return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4  # DRIVE_REMOTE
        return False
    return _mount_fstype(Path(os.path.abspath(p))) in _NETWORK_FS


def _mount_fstype(path: Path) -> str:
    try:
        with open("/proc/mounts", encoding="utf-8") as fh:
            mounts = [line.split()[1:3] for line in fh if len(line.split()) >= 3]
    except OSError:
        return ""
    best, fstype = "", ""
    target = str(path)
    for mnt, fs in mounts:
        mnt = mnt.replace("\\040", " ")
        if (target == mnt or target.startswith(mnt.rstrip("/") + "/")) and len(mnt) > len(best):
            best, fstype = mnt, fs
    return fstype


def check_file(path: Path) -> None:
    """Refuse, before SQLite touches it, a file that cannot be our database."""
    if path.is_dir():
        raise StoreError(f"フォルダーはデータベースとして開けません: {path}", path=str(path))
    folder = path.parent
    if not path.exists():
        if not folder.exists():
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"データベースのフォルダーを作成できません: {folder}（{exc.strerror}）",
                    path=str(path),
                ) from exc
        if not os.access(folder, os.W_OK):
            raise StoreError(f"このフォルダーには書き込めません: {folder}", path=str(path))
        return
    if not os.access(path, os.R_OK):
        raise StoreError(f"データベースファイルを読み取れません: {path}", path=str(path))
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
        raise StoreError(
            f"データベースファイルに書き込めません（読み取り専用）: {path}", path=str(path)
        )
    if path.stat().st_size == 0:
        return
    with open(path, "rb") as fh:
        head = fh.read(len(SQLITE_HEADER))
    if head != SQLITE_HEADER:
        raise StoreError(
            f"このファイルは本アプリのデータベースではありません（破損しているか別の形式です）: {path}",
            path=str(path),
        )


def is_sqlite_file(path: Path) -> bool:
    """True when `path` is a SQLite database or one's -wal/-shm/-journal (symlinks followed).

    Output targets use this so an export or print can never write over a database.
    """
    path = Path(os.path.realpath(path))
    head = _read_head(path)
    if head == SQLITE_HEADER or head[:8] in _COMPANION_MAGIC or head[:4] in _COMPANION_MAGIC:
        return True
    for suffix in _COMPANION_SUFFIXES:
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            base = path.with_name(path.name[: -len(suffix)])
            if _read_head(base) == SQLITE_HEADER:
                return True
    return False


def _read_head(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_HEADER))
    except OSError:  # absent, a folder, unreadable: not a database we could overwrite
        return b""


@dataclass(frozen=True)
class Probe:
    tables: frozenset[str]
    schema_version: int | None  # None when absent or not a whole number (see version_text)
    columns: dict[str, frozenset[str]]
    version_text: str | None = None


def _sqlite_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return _SQLITE_BUSY
    if "disk is full" in msg:
        return _SQLITE_FULL
    if "readonly" in msg or "read-only" in msg:
        return _SQLITE_READONLY
    return None


def storage_error(exc: BaseException, path: object) -> DeskError | None:
    """The Japanese StoreError for a failed database operation, or None if it is not one we
    can word (locked, disk full, read-only). A DeskError found in the chain wins: it is what a
    failed rollback hid."""
    for e in exception_chain(exc):
        if isinstance(e, DeskError):
            return e
        if isinstance(e, OSError) and e.errno in _FULL_ERRNOS:
            return disk_full(path)
        if isinstance(e, sqlite3.Error) or type(e).__module__ == "peewee":
            code = _sqlite_code(e)
            if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
                return StoreError(
                    "データベースは他のプログラムが使用中です。しばらくしてからやり直してください: "
                    f"{path}",
                    path=str(path),
                    reason="locked",
                )
            if (
                code == _SQLITE_FULL
                or code in (_SQLITE_IOERR, _SQLITE_CANTOPEN)
                and _low_space(path)
            ):
                return disk_full(path)
            if code == _SQLITE_IOERR:
                return StoreError(
                    f"データベースファイルを読み書きできません（入出力エラー）: {path}",
                    path=str(path),
                    reason="io",
                    detail=str(e),
                )
            if code == _SQLITE_READONLY:
                return StoreError(
                    f"データベースファイルに書き込めません（読み取り専用）: {path}",
                    path=str(path),
                    reason="readonly",
                )
    return None


def _low_space(path: object) -> bool:
    """Little room left where `path` lives, or a file-size limit on this process (ulimit -f:
    writes past it fail with EFBIG, which SQLite reports as an I/O error)."""
    try:
        import resource  # POSIX only
    except ImportError:  # pragma: no cover - Windows
        pass
    else:
        if resource.getrlimit(resource.RLIMIT_FSIZE)[0] != resource.RLIM_INFINITY:
            return True
    try:
        return shutil.disk_usage(Path(str(path)).resolve().parent).free < LOW_SPACE_BYTES
    except (OSError, ValueError):
        return False


def disk_full(path: object) -> StoreError:
    return StoreError(
        f"ディスクの空き容量が不足しているため書き込めません。空き容量を増やしてからやり直してください: "
        f"{path}",
        path=str(path),
        reason="disk_full",
    )


def _locked_or_corrupt(path: Path, exc: Exception) -> DeskError:
    known = storage_error(exc, path)
    if known is not None:
        return known
    return StoreError(
        f"データベースファイルが破損しています: {path}", path=str(path), detail=str(exc)
    )


# a read-only connection cannot replay what a crashed writer left: a hot rollback journal
# (READONLY_ROLLBACK) or a WAL that needs recovery (READONLY_RECOVERY)
_NEEDS_RECOVERY = {264, 776}


def probe(path: Path) -> Probe | None:
    """Look at an existing file read-only, so a file we then refuse is left byte-for-byte as it was.

    One exception: after a crash (a killed writer) the file may need SQLite's own recovery,
    which a read-only connection cannot do; then the file is opened read-write once, which
    rolls the unfinished transaction back to the last commit, and looked at again.
    """
    path = Path(path)
    check_file(path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        return _probe(path)
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", None) not in _NEEDS_RECOVERY:
            raise _locked_or_corrupt(path, exc) from exc
    try:
        con = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
        return _probe(path)
    except sqlite3.Error as exc:
        raise _locked_or_corrupt(path, exc) from exc


def _probe(path: Path) -> Probe:
    uri = "file:" + path.resolve().as_posix().replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        con.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
        ok = con.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise StoreError(
                f"データベースファイルが破損しています: {path}", path=str(path), detail=ok
            )
        tables = frozenset(
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
        )
        columns = {
            t: frozenset(r[1] for r in con.execute("SELECT * FROM pragma_table_info(?)", (t,)))
            for t in tables
        }
        text = None
        if "meta" in tables and "value" in columns["meta"] and "key" in columns["meta"]:
            row = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            text = None if row is None else str(row[0])
        return Probe(
            tables=tables, schema_version=parse_version(text), columns=columns, version_text=text
        )
    finally:
        con.close()


def parse_version(text: str | None) -> int | None:
    """A recorded schema version: a plain whole number ('3'), else None ('3.0', 'abc', '')."""
    if text is None or not text.strip().lstrip("-").isdigit() or text != text.strip():
        return None
    if not text.lstrip("-").isascii():
        return None
    return int(text)


def connect(path: Path, *, verify: bool = True) -> tuple[SqliteDatabase, SqliteInfo]:
    """Open `path` with the pragmas above; verify it is healthy and not locked.

    `verify=False` skips `PRAGMA quick_check` when the caller has just run it through
    `probe` (it reads the whole file: 0.17 s at 20,000 measures, once per open is enough)."""
    path = Path(path)
    check_file(path)
    network = is_network_path(path)
    # Every connection (peewee opens one per thread) gets the same pragmas.
    pragmas = {
        "foreign_keys": 1,
        "busy_timeout": BUSY_TIMEOUT_MS,
        "journal_mode": "delete" if network else "wal",
        "synchronous": "full",
    }
    db = SqliteDatabase(str(path), pragmas=pragmas, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        db.connect()
        ok = db.execute_sql("PRAGMA quick_check").fetchone()[0] if verify else "ok"
        if ok != "ok":
            raise StoreError(
                f"データベースファイルが破損しています: {path}", path=str(path), detail=ok
            )
        mode = db.execute_sql("PRAGMA journal_mode").fetchone()[0]
    except StoreError:
        db.close()
        raise
    except Exception as exc:
        if not isinstance(exc, sqlite3.Error) and type(exc).__module__ != "peewee":
            db.close()
            raise
        db.close()
        raise _locked_or_corrupt(path, exc) from exc
    return db, SqliteInfo(path=path, on_network=network, journal_mode=mode)


def discard_new_file(path: Path) -> None:
    """Remove a database file this run created (and its -wal/-shm/-journal) after creating
    it failed, so a failed `init` leaves nothing behind."""
    for p in (Path(path), *(Path(str(path) + s) for s in _COMPANION_SUFFIXES)):
        try:
            p.unlink()
        except OSError:
            pass


@contextmanager
def write_transaction(db: Database) -> Iterator[object]:
    """A write transaction that takes the write lock up front, so writers queue, not fail.

    On a server it is store.pg_connection's (REPEATABLE READ). Nested, it is a savepoint. A lock held past the busy timeout, a full disk or a read-only
    file becomes StoreError (storage_error). When SQLite has already ended the transaction
    itself (a full disk), peewee's rollback fails with "cannot rollback"; the error that
    caused it is reported, never the rollback's.
    """
    if is_server(db):
        from . import pg_connection

        with pg_connection.write_transaction(db) as txn:  # type: ignore[arg-type]
            yield txn
        return
    try:
        with db.atomic(lock_type="IMMEDIATE") as txn:
            yield txn
    except DeskError:
        raise
    except Exception as exc:
        known = storage_error(exc, db.database)
        if known is not None:
            raise known from exc
        hidden = exc.__context__
        if "rollback" in str(exc).lower() or "savepoint" in str(exc).lower():
            if isinstance(hidden, Exception):
                raise hidden from None
        raise


def save_copy(db: SqliteDatabase, target: Path) -> None:
    """A verified, self-contained copy of the live database at `target`, written atomically.

    The copy is made by the backup API beside the target, switched to a rollback journal (one
    file, nothing beside it), checked (integrity_check does not cover foreign keys, so
    foreign_key_check too), then renamed over the target: a failed copy never replaces one.
    The temporary is a files.staging one (the user's umask; a killed run's is swept by the
    next backup to that folder). An OSError about the target (no such folder, no permission,
    name too long) is raised as is, for the caller to word for that path.
    """
    staging.sweep(target.parent)
    tmp = staging.create_beside(target)
    try:
        backup_to(db, tmp)
        con = sqlite3.connect(str(tmp))
        try:
            con.execute("PRAGMA journal_mode=DELETE")
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            broken = con.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            con.close()
        if ok != "ok" or broken:
            raise StoreError(
                "バックアップの検査で問題が見つかりました。保存しませんでした",
                detail=ok,
                foreign_keys=len(broken),
            )
        os.replace(tmp, target)
    except sqlite3.Error as exc:
        known = storage_error(exc, target)
        if known is not None:
            raise known from exc
        raise StoreError(
            f"バックアップを保存できません: {target}（{exc}）", path=str(target)
        ) from exc
    finally:
        staging.discard(tmp)


def backup_to(db: SqliteDatabase, target: Path) -> None:
    """Consistent copy of the live database (sqlite3 backup API)."""
    dest = sqlite3.connect(str(target))
    try:
        db.connection().backup(dest)
    finally:
        dest.close()
