"""Schema version and migrations.

A new file gets the current tables and the latest version. An older file is first copied
beside itself (`<name>.v<N>-<stamp>.bak`), then migrated step by step in one transaction per
step. A file from a newer version of the app is refused untouched, and so is one whose recorded
version does not match its tables (`consistent`: everything added by versions up to the
recorded one exists, nothing added by later versions does) or is not a whole number.
Migrations live in `migrations/m<NNNN>_<what>.py`, each with `VERSION`, `up(db)` and what it
adds (`ADDS_TABLES`, `ADDS_COLUMNS`).
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
from .connection import Probe, backup_to, parse_version, probe, write_transaction
from .exchange_models import EXCHANGE_MODELS
from .models import CORE_MODELS, DbMeta

ALL_MODELS = [*CORE_MODELS, *EXCHANGE_MODELS]

BASE_VERSION = 1  # what create_tables() of the first release produced
BASE_TABLES = ("change", "change_batch", "department", "draft", "measure", "measure_department",
               "measure_year", "meta", "node", "plan")


def _migration_modules() -> list[ModuleType]:
    mods = []
    for info in pkgutil.iter_modules(_migrations_pkg.__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            mods.append(importlib.import_module(f"{_migrations_pkg.__name__}.{info.name}"))
    return sorted(mods, key=lambda m: m.VERSION)


MIGRATIONS = _migration_modules()
LATEST_VERSION = max([BASE_VERSION] + [m.VERSION for m in MIGRATIONS])


def additions() -> list[tuple[int, frozenset[str], frozenset[tuple[str, str]]]]:
    """(version, tables added, (table, column) added) for version 1 and every migration."""
    out = [(BASE_VERSION, frozenset(BASE_TABLES), frozenset())]
    for mod in MIGRATIONS:
        out.append((mod.VERSION, frozenset(getattr(mod, "ADDS_TABLES", ())),
                    frozenset(tuple(c) for c in getattr(mod, "ADDS_COLUMNS", ()))))
    return out


def consistent(version: int, found: Probe) -> bool:
    """True when the tables and columns are exactly what `version` must and must not have."""
    def has(table: str, column: str | None = None) -> bool:
        if table not in found.tables:
            return False
        return column is None or column in found.columns.get(table, frozenset())

    for v, tables, columns in additions():
        wanted = v <= version
        if any(has(t) != wanted for t in tables):
            return False
        # a column added later to a table that does not exist yet is absent by definition
        if any(has(t, c) != wanted for t, c in columns if wanted or has(t)):
            return False
    return True


def preflight(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not ours, from a newer app, or whose
    recorded schema version does not match its tables."""
    found = probe(path)
    if found is None:
        return
    if found.version_text is None:
        if found.tables - {"sqlite_sequence"}:
            raise StoreError(f"このファイルは本アプリのデータベースではありません: {path}", path=str(path))
        return
    version = found.schema_version
    if version is not None and version > LATEST_VERSION:
        raise _newer(path, version)
    if version is None or version < BASE_VERSION or not consistent(version, found):
        raise StoreError(
            f"データベースの形式番号（{found.version_text!r}）が中身と一致しません。"
            f"ファイルが編集されたか壊れています。バックアップから戻してください: {path}",
            path=str(path), recorded=found.version_text)


def _newer(path: Path | None, found: int) -> StoreError:
    return StoreError(
        f"このデータベースは新しいバージョンのアプリで作成されています（形式 {found}、"
        f"このアプリは {LATEST_VERSION} まで）。アプリを更新してください: {path}",
        path=str(path), found=found, supported=LATEST_VERSION)


def current_version(db: Database) -> int | None:
    if not db.table_exists("meta"):
        return None
    row = DbMeta.get_or_none(DbMeta.key == "schema_version")
    if row is None:
        return None
    version = parse_version(row.value)
    if version is None:  # preflight refuses such a file before this is reached
        raise StoreError(f"データベースの形式番号が不正です: {row.value!r}", recorded=row.value)
    return version


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
