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
in `schema.ensure_schema`, run in the same transaction. A step may also rebuild a table the
way SQLite needs for a new primary key (CREATE TABLE "t_vN" …; copy; DROP TABLE "t";
ALTER TABLE "t_vN" RENAME TO "t", all in one step): the rebuilt table's columns that "t" did
not have count as added by that version; a rebuild that loses a column is refused. Any other
DROP or RENAME is refused, since the check could not follow it.
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
_DROP_TABLE = re.compile(rf"DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?{_IDENT}\s*;?\s*$", re.IGNORECASE)
_RENAME_TABLE = re.compile(
    rf"ALTER\s+TABLE\s+{_IDENT}\s+RENAME\s+TO\s+{_IDENT}\s*;?\s*$", re.IGNORECASE
)
_CONSTRAINT = re.compile(r"(PRIMARY|FOREIGN|UNIQUE|CHECK|CONSTRAINT)\b", re.IGNORECASE)
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
    an older version has (DROP, RENAME) is refused, except a whole-table rebuild (see above):
    the schema check could not follow it."""
    out = []
    known: dict[str, set[str]] = {}  # every table's columns so far
    for step in steps:
        tables: set[str] = set()
        columns: set[tuple[str, str]] = set()
        dropped: set[str] = set()
        for sql in step.statements:
            if m := _CREATE_TABLE.match(sql):
                table = _unquote(m.group(1))
                tables.add(table)
                known[table] = set(table_columns(sql))
            elif m := _ADD_COLUMN.match(sql):
                table = _unquote(m.group(1))
                known.setdefault(table, set()).add(_unquote(m.group(2)))
                if table not in tables:  # a column of a table new in this step is not "added"
                    columns.add((table, _unquote(m.group(2))))
            elif (m := _DROP_TABLE.match(sql)) and _unquote(m.group(1)) in known:
                dropped.add(_unquote(m.group(1)))
            elif (m := _RENAME_TABLE.match(sql)) and _rebuilds(m, tables, dropped):
                new, table = _unquote(m.group(1)), _unquote(m.group(2))
                lost = known[table] - known[new]
                if lost:
                    raise ValueError(f"{step.name}: rebuilding {table!r} loses {sorted(lost)}")
                columns |= {(table, c) for c in known[new] - known[table]}
                known[table] = known.pop(new)
                tables.discard(new)
                dropped.discard(table)
            elif _CHANGES_OLDER.match(sql):
                raise ValueError(f"{step.name}: the schema check cannot follow {sql[:60]!r}")
        if dropped:
            raise ValueError(f"{step.name}: the schema check cannot follow DROP TABLE {dropped}")
        out.append(Added(step.version, frozenset(tables), frozenset(columns)))
    return tuple(out)


def _rebuilds(m: re.Match[str], tables: set[str], dropped: set[str]) -> bool:
    """`ALTER TABLE new RENAME TO old` finishing a rebuild: `new` made and `old` dropped
    in this step."""
    return _unquote(m.group(1)) in tables and _unquote(m.group(2)) in dropped


def table_columns(create_sql: str) -> list[str]:
    """The column names of a CREATE TABLE statement (table constraints left out)."""
    body = create_sql[create_sql.index("(") + 1 : create_sql.rindex(")")]
    items, depth, start, quote = [], 0, 0, ""
    for i, ch in enumerate(body):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'`[":
            quote = "]" if ch == "[" else ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(body[start:i])
            start = i + 1
    items.append(body[start:])
    out = []
    for item in (i.strip() for i in items):
        if item and not _CONSTRAINT.match(item):
            m = re.match(_IDENT, item)
            if m:
                out.append(_unquote(m.group(1)))
    return out


def _unquote(name: str) -> str:
    if name[0] == '"':
        return name[1:-1].replace('""', '"')
    return name[1:-1] if name[0] in "`[" else name
