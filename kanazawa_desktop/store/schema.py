"""Schema version and migrations.

The schema is the numbered SQL steps in `db/` (package `kanazawa_desktop.db`, read by
`store/steps.py`). A new file runs every step; an older file is first copied beside itself
(`<name>.v<N>-<stamp>.bak`), then given each step it lacks, one transaction per step, the
version bump in the same transaction. A file from a newer version of the app is refused
untouched, and so is one whose recorded version does not match its tables (`consistent`:
everything added by versions up to the recorded one exists, nothing added by later versions
does) or is not a whole number.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from peewee import Database

from ..domain.errors import StoreError
from . import steps as _steps
from .connection import Probe, backup_to, is_server, parse_version, probe, write_transaction
from .models import DbMeta

STEPS: tuple[_steps.Step, ...] = _steps.read_steps()
BASE_VERSION = 1  # the first release's tables (db/0001_initial.sql)
LATEST_VERSION = STEPS[-1].version


def additions() -> list[tuple[int, frozenset[str], frozenset[tuple[str, str]]]]:
    """(version, tables added, (table, column) added to an older table) for every step."""
    return [(a.version, a.tables, a.columns) for a in _steps.additions(STEPS)]


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
            raise StoreError(
                f"このファイルは本アプリのデータベースではありません: {path}", path=str(path)
            )
        return
    version = found.schema_version
    if version is not None and version > LATEST_VERSION:
        raise _newer(path, version)
    if version is None or version < BASE_VERSION or not consistent(version, found):
        raise StoreError(
            f"データベースの形式番号（{found.version_text!r}）が中身と一致しません。"
            f"ファイルが編集されたか壊れています。バックアップから戻してください: {path}",
            path=str(path),
            recorded=found.version_text,
        )


def _newer(path: Path | None, found: int) -> StoreError:
    return StoreError(
        f"このデータベースは新しいバージョンのアプリで作成されています（形式 {found}、"
        f"このアプリは {LATEST_VERSION} まで）。アプリを更新してください: {path}",
        path=str(path),
        found=found,
        supported=LATEST_VERSION,
    )


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
            raise StoreError(
                f"このファイルは本アプリのデータベースではありません: {path}", path=str(path)
            )
        found = 0
    if found > LATEST_VERSION:
        raise _newer(path, found)
    if 0 < found < LATEST_VERSION and path is not None and not is_server(db):
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup_to(db, path.with_name(f"{path.name}.v{found}-{stamp}.bak"))
    for step in STEPS:
        if step.version > found:
            with write_transaction(db):
                _run(db, step)
                if found > 0 and step.version in _DATA_STEPS:
                    _DATA_STEPS[step.version](db)
                set_version(step.version)
                if is_server(db) and step is STEPS[-1]:
                    from . import pg_schema

                    for sql in pg_schema.server_objects():
                        db.execute_sql(sql)
    return found


def set_version(version: int) -> None:
    (
        DbMeta.insert(key="schema_version", value=str(version))
        .on_conflict(conflict_target=[DbMeta.key], update={DbMeta.value: str(version)})
        .execute()
    )


def _data_step_5(db: Database) -> None:
    from . import indicator_migration  # only an old database needs it

    indicator_migration.migrate(db)


# steps that move existing data in Python, after their SQL, in the same transaction; a new
# database has no data to move (its plan is loaded afterwards in the new form)
_DATA_STEPS = {5: _data_step_5}


def _run(db: Database, step: _steps.Step) -> None:
    """One step, statement by statement, inside the caller's transaction (not executescript,
    which would commit on its own). A server runs the step's PostgreSQL form (pg_schema)."""
    if is_server(db):
        from . import pg_schema

        statements = pg_schema.statements(step)
    else:
        statements = list(step.statements)
    for sql in statements:
        db.execute_sql(sql)
