"""Version 3: history of the plan's hierarchy (a 方針/項目/小項目 title renamed), and what
each sync changed in a department PC's merge base (so undoing it restores the base), and
when each imported workbook was written (so an older one than already imported is refused),
and on a department PC what its latest return carried (`exchange_sent`).

Explicit, portable DDL, as in m0002. A new table and a new nullable column: no existing
row is touched.
"""

from __future__ import annotations

VERSION = 3
# what this step adds: the schema check (schema.consistent) reads these
ADDS_TABLES = ("node_change", "exchange_sent")
ADDS_COLUMNS = (("exchange_import", "base_changes"), ("exchange_import", "issued_at"))

_DDL = [
    """CREATE TABLE IF NOT EXISTS "node_change" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "batch_id" INTEGER NOT NULL REFERENCES "change_batch" ("id") ON DELETE CASCADE,
        "node_id" INTEGER NOT NULL REFERENCES "node" ("id") ON DELETE CASCADE,
        "field" TEXT NOT NULL, "old" TEXT, "new" TEXT)""",
    """CREATE INDEX IF NOT EXISTS "node_change_batch_id" ON "node_change" ("batch_id")""",
    """CREATE INDEX IF NOT EXISTS "node_change_node_id" ON "node_change" ("node_id")""",
    """ALTER TABLE "exchange_import" ADD COLUMN "base_changes" TEXT""",
    """ALTER TABLE "exchange_import" ADD COLUMN "issued_at" TEXT""",
    """CREATE TABLE IF NOT EXISTS "exchange_sent" (
        "measure_key" TEXT NOT NULL, "fy" INTEGER NOT NULL, "field" TEXT NOT NULL,
        "value" TEXT NOT NULL, PRIMARY KEY ("measure_key", "fy", "field"))""",
]


def up(db) -> None:
    for sql in _DDL:
        db.execute_sql(sql)
