"""Opening the SQLite file: the only place that knows it is SQLite.

Pragmas follow sqlite.org: foreign keys on, a busy timeout, WAL on a local disk; on a network
share WAL is never used (it needs shared memory on one machine), the rollback journal is.
synchronous=FULL in both: with NORMAL a WAL database stays consistent after a power cut but
may lose its last commits — the drafts that promise typed text survives. FULL costs one
fsync per commit (0.24 ms here against 0.02 ms; writes are a save or a draft, not a loop).
Problems a person can meet (not a database, a newer version, locked, read-only folder)
become StoreError with a Japanese message, and the file is left untouched.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from peewee import SqliteDatabase

from ..domain.errors import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
_NETWORK_FS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "fuse.sshfs", "sshfs",
               "9p", "afs", "ncpfs", "glusterfs", "ceph", "fuse.rclone", "davfs", "fuse.davfs2"}


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
                raise StoreError(f"データベースのフォルダーを作成できません: {folder}（{exc.strerror}）",
                                 path=str(path)) from exc
        if not os.access(folder, os.W_OK):
            raise StoreError(f"このフォルダーには書き込めません: {folder}", path=str(path))
        return
    if not os.access(path, os.R_OK):
        raise StoreError(f"データベースファイルを読み取れません: {path}", path=str(path))
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
        raise StoreError(f"データベースファイルに書き込めません（読み取り専用）: {path}", path=str(path))
    if path.stat().st_size == 0:
        return
    with open(path, "rb") as fh:
        head = fh.read(len(SQLITE_HEADER))
    if head != SQLITE_HEADER:
        raise StoreError(f"このファイルは本アプリのデータベースではありません（破損しているか別の形式です）: {path}",
                         path=str(path))


@dataclass(frozen=True)
class Probe:
    tables: frozenset[str]
    schema_version: int | None


def _locked_or_corrupt(path: Path, exc: Exception) -> StoreError:
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return StoreError(f"データベースは他のプログラムが使用中です。しばらくしてから開き直してください: {path}",
                          path=str(path))
    return StoreError(f"データベースファイルが破損しています: {path}", path=str(path), detail=str(exc))


def probe(path: Path) -> Probe | None:
    """Look at an existing file read-only, so a file we then refuse is left byte-for-byte as it was."""
    path = Path(path)
    check_file(path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    uri = "file:" + path.resolve().as_posix().replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise _locked_or_corrupt(path, exc) from exc
    try:
        con.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
        ok = con.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise StoreError(f"データベースファイルが破損しています: {path}", path=str(path), detail=ok)
        tables = frozenset(r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'"))
        version = None
        if "meta" in tables:
            row = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else None
        return Probe(tables=tables, schema_version=version)
    except sqlite3.Error as exc:
        raise _locked_or_corrupt(path, exc) from exc
    finally:
        con.close()


def connect(path: Path) -> tuple[SqliteDatabase, SqliteInfo]:
    """Open `path` with the pragmas above; verify it is healthy and not locked."""
    path = Path(path)
    check_file(path)
    network = is_network_path(path)
    # Every connection (peewee opens one per thread) gets the same pragmas.
    pragmas = {"foreign_keys": 1, "busy_timeout": BUSY_TIMEOUT_MS,
               "journal_mode": "delete" if network else "wal",
               "synchronous": "full"}
    db = SqliteDatabase(str(path), pragmas=pragmas, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        db.connect()
        ok = db.execute_sql("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise StoreError(f"データベースファイルが破損しています: {path}", path=str(path), detail=ok)
        mode = db.execute_sql("PRAGMA journal_mode").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        db.close()
        raise _locked_or_corrupt(path, exc) from exc
    except StoreError:
        db.close()
        raise
    return db, SqliteInfo(path=path, on_network=network, journal_mode=mode)


def write_transaction(db: SqliteDatabase):
    """A write transaction that takes the write lock up front, so writers queue, not fail."""
    return db.atomic(lock_type="IMMEDIATE")


def save_copy(db: SqliteDatabase, target: Path) -> None:
    """A verified, self-contained copy of the live database at `target`, written atomically.

    The copy is made by the backup API beside the target, switched to a rollback journal (one
    file, nothing beside it), checked (integrity_check does not cover foreign keys, so
    foreign_key_check too), then renamed over the target: a failed copy never replaces one.
    """
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
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
            raise StoreError("バックアップの検査で問題が見つかりました。保存しませんでした",
                             detail=ok, foreign_keys=len(broken))
        os.replace(tmp, target)
    except sqlite3.Error as exc:
        raise StoreError(f"バックアップを保存できません: {target}（{exc}）", path=str(target)) from exc
    except OSError as exc:
        raise StoreError(f"バックアップを保存できません: {target}（{exc.strerror or exc}）",
                         path=str(target)) from exc
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            if leftover.exists():
                leftover.unlink()


def backup_to(db: SqliteDatabase, target: Path) -> None:
    """Consistent copy of the live database (sqlite3 backup API)."""
    dest = sqlite3.connect(str(target))
    try:
        db.connection().backup(dest)
    finally:
        dest.close()
