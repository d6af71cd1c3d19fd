"""Schema version and migrations.

A new file gets the current tables and the latest version. An older file is first copied
beside itself (`<name>.v<N>-<stamp>.bak`), then migrated step by step in one transaction per
step. A file from a newer version of the app is refused untouched.
Migrations live in `migrations/m<NNNN>_<what>.py`, each with `VERSION` and `up(db)`.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import datetime
from pathlib import Path
from types import ModuleType

from peewee import Database

from ..domain.errors import StoreError
from . import migrations as _migrations_pkg
from .connection import backup_to, probe, write_transaction
from .models import ALL_MODELS, DbMeta

BASE_VERSION = 1  # what create_tables() of the first release produced


def _migration_modules() -> list[ModuleType]:
    mods = []
    for info in pkgutil.iter_modules(_migrations_pkg.__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            mods.append(importlib.import_module(f"{_migrations_pkg.__name__}.{info.name}"))
    return sorted(mods, key=lambda m: m.VERSION)


MIGRATIONS = _migration_modules()
LATEST_VERSION = max([BASE_VERSION] + [m.VERSION for m in MIGRATIONS])


def preflight(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not ours or is from a newer app."""
    found = probe(path)
    if found is None:
        return
    if found.schema_version is None and found.tables - {"sqlite_sequence"}:
        raise StoreError(f"このファイルは本アプリのデータベースではありません: {path}", path=str(path))
    if found.schema_version is not None and found.schema_version > LATEST_VERSION:
        raise _newer(path, found.schema_version)


def _newer(path: Path | None, found: int) -> StoreError:
    return StoreError(
        f"このデータベースは新しいバージョンのアプリで作成されています（形式 {found}、"
        f"このアプリは {LATEST_VERSION} まで）。アプリを更新してください: {path}",
        path=str(path), found=found, supported=LATEST_VERSION)


def current_version(db: Database) -> int | None:
    if not db.table_exists("meta"):
        return None
    row = DbMeta.get_or_none(DbMeta.key == "schema_version")
    return int(row.value) if row else None


def ensure_schema(db: Database, path: Path | None) -> int:
    """Create or migrate; returns the version found before (0 for a new database)."""
    found = current_version(db)
    if found is None:
        if db.get_tables():
            raise StoreError(f"このファイルは本アプリのデータベースではありません: {path}", path=str(path))
        with write_transaction(db):
            db.create_tables(ALL_MODELS)
            DbMeta.create(key="schema_version", value=str(LATEST_VERSION))
        return 0
    if found > LATEST_VERSION:
        raise _newer(path, found)
    if found < LATEST_VERSION:
        if path is not None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            backup_to(db, path.with_name(f"{path.name}.v{found}-{stamp}.bak"))
        for mod in MIGRATIONS:
            if mod.VERSION > found:
                with write_transaction(db):
                    mod.up(db)
                    DbMeta.replace(key="schema_version", value=str(mod.VERSION)).execute()
    return found
