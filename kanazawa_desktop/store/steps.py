"""The schema's numbered SQL steps (`db/NNNN_<what>.sql`, installed as the package
`kanazawa_desktop.db`): read, split into statements, and what each version adds.

A step file is plain SQL. It is split with `sqlite3.complete_statement` (which knows about
quotes, comments and trigger bodies), so each statement can be run on its own inside the
runner's transaction: `executescript` would COMMIT by itself. Transaction control in a step is
refused when the steps are read, as are gaps in the numbering.

What each version adds (its tables, and the columns it adds to tables that existed before)
is not declared by hand: it is read from the steps' CREATE TABLE and ALTER TABLE … ADD COLUMN
statements, so the schema check (`schema.consistent`) cannot drift from the SQL (a test checks
the reading against a database built by running the steps).

Versions 2-4 add tables and nullable columns (version 1
is the first release's tables); version 5 moves data in Python, a hook keyed by its number
in `schema.ensure_schema`, run in the same transaction.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from importlib import resources

PACKAGE = "kanazawa_desktop.db"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_TRANSACTION = re.compile(
    r"^(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|VACUUM|ATTACH|DETACH)\b", re.IGNORECASE
)
# what a step adds, and what the schema check could not follow
_IDENT = r'("(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|\w+)'
_CREATE_TABLE = re.compile(rf"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_IDENT}", re.IGNORECASE)
_ADD_COLUMN = re.compile(rf"ALTER\s+TABLE\s+{_IDENT}\s+ADD\s+(?:COLUMN\s+)?{_IDENT}", re.IGNORECASE)
_CHANGES_OLDER = re.compile(
    r"(DROP\s+TABLE|ALTER\s+TABLE\s+\S+\s+(RENAME|DROP))\b|CREATE\s+TEMP", re.IGNORECASE
)


@dataclass(frozen=True)
class Step:
    """One numbered step: running `statements` in order takes version-1 to `version`."""

    version: int
    name: str
    statements: tuple[str, ...]


@dataclass(frozen=True)
class Added:
    """What one version adds: new tables, and (table, column) added to an older table."""

    version: int
    tables: frozenset[str]
    columns: frozenset[tuple[str, str]]


def split_statements(text: str) -> list[str]:
    """The statements of an SQL script, each whole (with its semicolon), comments between
    statements dropped. Raises ValueError for text left after the last complete statement."""
    out: list[str] = []
    buf = ""
    for line in text.splitlines(keepends=True):
        if not buf and (not line.strip() or line.lstrip().startswith("--")):
            continue  # blank lines and comments between statements
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement at the end: {buf.strip()[:80]!r}")
    return out


def read_steps(package: str = PACKAGE) -> tuple[Step, ...]:
    """Every `NNNN_<what>.sql` of `package`, numbered 1, 2, 3 … without a gap."""
    steps = []
    for entry in resources.files(package).iterdir():
        m = _NAME.match(entry.name)
        if m is None:
            continue
        statements = tuple(split_statements(entry.read_text(encoding="utf-8")))
        for sql in statements:
            if _TRANSACTION.match(sql):
                raise ValueError(f"{entry.name}: the runner owns the transaction: {sql[:40]!r}")
        steps.append(Step(int(m.group(1)), entry.name, statements))
    steps.sort(key=lambda s: s.version)
    if [s.version for s in steps] != list(range(1, len(steps) + 1)):
        raise ValueError(f"schema steps must be numbered 1..N: {[s.name for s in steps]}")
    return tuple(steps)


@cache
def additions(steps: tuple[Step, ...]) -> tuple[Added, ...]:
    """What each step adds, read from its CREATE TABLE and ALTER TABLE … ADD COLUMN statements
    (no database is run: this is on every open's path). A statement that would change what
    an older version has (DROP, RENAME) is refused: the schema check could not follow it."""
    out = []
    for step in steps:
        tables: set[str] = set()
        columns: set[tuple[str, str]] = set()
        for sql in step.statements:
            if m := _CREATE_TABLE.match(sql):
                tables.add(_unquote(m.group(1)))
            elif m := _ADD_COLUMN.match(sql):
                table = _unquote(m.group(1))
                if table not in tables:  # a column of a table new in this step is not "added"
                    columns.add((table, _unquote(m.group(2))))
            elif _CHANGES_OLDER.match(sql):
                raise ValueError(f"{step.name}: the schema check cannot follow {sql[:60]!r}")
        out.append(Added(step.version, frozenset(tables), frozenset(columns)))
    return tuple(out)


def _unquote(name: str) -> str:
    if name[0] == '"':
        return name[1:-1].replace('""', '"')
    return name[1:-1] if name[0] in "`[" else name
