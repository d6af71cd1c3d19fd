"""Numbered schema migrations: `m0002_<what>.py` holds `VERSION = 2` and `up(db)`, and declares
what it adds: `ADDS_TABLES = ("table", ...)` and/or `ADDS_COLUMNS = (("table", "column"), ...)`
(either may be omitted). A file's recorded version is checked against these before anything
is written (store.schema.consistent).

Version 1 is the schema `create_tables()` made in the first release. Each step must work
from the previous version's tables (use playhouse.migrate, not the current models).
"""
