"""Save a verified copy of the open database (ファイル → バックアップを保存…, `backup OUT`).

Copying the .sqlite3 file by hand while the app runs can miss what is still in its -wal
file; this copy is consistent, self-contained (one file), checked, and written atomically.
To go back to it, open it with `--db` (or copy it over the database while the app is closed).
A target that is a database (the open one included) is refused, and every OSError of the
target is one Japanese sentence (services.targets). A killed run's temporary is swept by
the next backup to that folder (store.connection.save_copy, files.staging).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..store.connection import save_copy
from .desk import Desk
from .targets import check_target, output_error


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int


def default_name(db_path: Path, now: datetime | None = None) -> str:
    """'desk_20261123-1130.sqlite3' beside the database's own name."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M")
    return f"{Path(db_path).stem}_{stamp}.sqlite3"


def save_backup(desk: Desk, target: Path) -> BackupResult:
    target = Path(target)
    try:
        if target.is_dir():
            target = target / default_name(desk.path)
    except OSError as exc:
        raise output_error(target, exc) from exc
    target = check_target(target, backup_of=desk.path)
    try:
        save_copy(desk.db, target)
        return BackupResult(path=target, size=target.stat().st_size)
    except OSError as exc:
        raise output_error(target, exc) from exc
