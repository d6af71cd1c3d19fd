"""Save a verified copy of the open database (ファイル → バックアップを保存…, `backup OUT`).

Copying the .sqlite3 file by hand while the app runs can miss what is still in its -wal
file; this copy is consistent, self-contained (one file), checked, and written atomically.
To go back to it, open it with `--db` (or copy it over the database while the app is closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..domain.errors import InvalidValue
from ..store.connection import save_copy


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int


def default_name(db_path: Path, now: datetime | None = None) -> str:
    """'desk_20261123-1130.sqlite3' beside the database's own name."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M")
    return f"{Path(db_path).stem}_{stamp}.sqlite3"


def save_backup(desk, target: Path) -> BackupResult:
    target = Path(target)
    if target.exists() and target.is_dir():
        target = target / default_name(desk.path)
    if not target.parent.is_dir():
        raise InvalidValue(f"保存先のフォルダーがありません: {target.parent}", path=str(target))
    if target.exists() and target.resolve() == Path(desk.path).resolve():
        raise InvalidValue("開いているデータベースそのものには保存できません。別の名前を指定してください",
                           path=str(target))
    save_copy(desk.db, target)
    return BackupResult(path=target, size=target.stat().st_size)
