"""Numbered schema migrations: `m0002_<what>.py` holds `VERSION = 2` and `up(db)`.

Version 1 is the schema `create_tables()` made in the first release. Each step must work
from the previous version's tables (use playhouse.migrate, not the current models).
"""
