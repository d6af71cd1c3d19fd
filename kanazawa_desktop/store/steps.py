"""The schema's numbered SQL steps (`db/NNNN_<what>.sql`, installed as the package
`kanazawa_desktop.db`): read, split into statements, and what each version adds.

A step file is plain SQL. It is split with `sqlite3.complete_statement` (which knows about
quotes, comments and trigger bodies), so each statement can be run on its own inside the
runner's transaction: `executescript` would COMMIT by itself. Transaction control in a step is
refused when the steps are read, as are gaps in the numbering.

What each version adds (its tables, and the columns it adds to tables that existed before)
is not declared by hand: it is read from an in-memory database built by running the steps,
so the schema check (`schema.consistent`) cannot drift from the SQL.

No step needs Python beyond its SQL (versions 2-4 add tables and nullable columns; version 1
is the first release's tables). A step that one day must fill data in Python gets a hook
keyed by its number in `schema.ensure_schema`, run in the same transaction.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from importlib import resources

PACKAGE = "kanazawa_desktop.db"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_TRANSACTION = re.compile(r"^(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|VACUUM|ATTACH|DETACH)\b",
                          re.IGNORECASE)


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
    """What each step adds, found by running the steps on an empty in-memory database."""
    con = sqlite3.connect(":memory:")
    try:
        out = []
        before = _columns(con)
        for step in steps:
            for sql in step.statements:
                con.execute(sql)
            after = _columns(con)
            tables = frozenset(after) - frozenset(before)
            columns = frozenset((t, c) for t in before for c in after.get(t, ()) - before[t])
            out.append(Added(step.version, tables, columns))
            before = after
        return tuple(out)
    finally:
        con.close()


def _columns(con: sqlite3.Connection) -> dict[str, frozenset[str]]:
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: frozenset(r[1] for r in con.execute(f'PRAGMA table_info("{t}")')) for t in tables}
