"""Save a verified copy of the open database (ファイル → バックアップを保存…, `backup OUT`).

Copying the .sqlite3 file by hand while the app runs can miss what is still in its -wal
file; this copy is consistent, self-contained (one file), checked, and written atomically.
To go back to it, open it with `--db` (or copy it over the database while the app is closed).
A target that is a database (the open one included) is refused, and every OSError of the
target is one Japanese sentence (services.targets). A killed run's temporary is swept by
the next backup to that folder (store.connection.save_copy, files.staging).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..domain.errors import OutputError
from ..domain.location import Location, Server
from ..store import pg_backup
from ..store.connection import save_copy
from .desk import Desk
from .targets import check_target, output_error


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int


def default_name(db_path: Location, now: datetime | None = None) -> str:
    """'desk_20261123-113005.sqlite3' beside the database's own name (to the second); for a
    server 'desk_20261123-113005.dump' (pg_dump's custom format, restored with pg_restore)."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    if isinstance(db_path, Server):
        return f"{db_path.dbname}_{stamp}.dump"
    return f"{Path(db_path).stem}_{stamp}.sqlite3"


def _unique(folder: Path, name: str) -> Path:
    """`folder/name`, or `name` with -2, -3 … before its suffix when that file exists: two
    backups in the same second never replace each other."""
    target, n = folder / name, 1
    while target.exists():
        n += 1
        target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
    return target


def is_folder_target(target: str | Path) -> bool:
    """Does `target` name a folder: a path written with a trailing separator (「bk/」), or an
    existing folder? (Path() drops a trailing separator: the caller passes the text typed.)"""
    text = os.fspath(target)
    return text.endswith(("/", os.sep)) or Path(text).is_dir()


def save_backup(desk: Desk, target: str | Path) -> BackupResult:
    """Save a verified copy to `target`: a file, or a folder (see is_folder_target) where it
    gets a unique default_name. A folder that does not exist is refused (OutputError), never
    taken for a file name; so is a file in a folder that does not exist."""
    try:
        if is_folder_target(target):
            folder = Path(target)
            if not folder.is_dir():
                raise OutputError(
                    f"保存先のフォルダーがありません: {os.fspath(target)}", path=str(target)
                )
            target = _unique(folder, default_name(desk.path))
    except OSError as exc:
        raise output_error(Path(target), exc) from exc
    where = desk.path
    target = check_target(Path(target), backup_of=None if isinstance(where, Server) else where)
    try:
        if isinstance(where, Server):
            pg_backup.dump(where, target)
        else:
            save_copy(desk.db, target)  # type: ignore[arg-type]
        return BackupResult(path=target, size=target.stat().st_size)
    except OSError as exc:
        raise output_error(target, exc) from exc
