"""Making a new database look like an older version, for the migration tests."""

from __future__ import annotations

import sqlite3

from kanazawa_desktop.store import steps


def draft_before_13(con: sqlite3.Connection) -> None:
    """The draft table as versions 1-12 had it (version 13 rebuilt it with an owner)."""
    con.execute('DROP TABLE "draft"')
    for sql in steps.read_steps()[0].statements:
        if '"draft"' in sql:
            con.execute(sql)
