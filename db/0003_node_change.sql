-- Version 3: history of the plan's hierarchy (a 方針/項目/小項目 title renamed); what each
-- sync changed in a department PC's merge base (so undoing it restores the base,
-- exchange_import.base_changes); when each imported workbook was written (so an older one
-- than already imported is refused, exchange_import.issued_at); and on a department PC
-- what its latest return carried (exchange_sent).
-- New tables and new nullable columns: no existing row is touched.

CREATE TABLE IF NOT EXISTS "node_change" ("id" INTEGER NOT NULL PRIMARY KEY, "batch_id" INTEGER NOT NULL, "node_id" INTEGER NOT NULL, "field" TEXT NOT NULL, "old" TEXT, "new" TEXT, FOREIGN KEY ("batch_id") REFERENCES "change_batch" ("id") ON DELETE CASCADE, FOREIGN KEY ("node_id") REFERENCES "node" ("id") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "node_change_batch_id" ON "node_change" ("batch_id");
CREATE INDEX IF NOT EXISTS "node_change_node_id" ON "node_change" ("node_id");

ALTER TABLE "exchange_import" ADD COLUMN "base_changes" TEXT;
ALTER TABLE "exchange_import" ADD COLUMN "issued_at" TEXT;

CREATE TABLE IF NOT EXISTS "exchange_sent" ("measure_key" TEXT NOT NULL, "fy" INTEGER NOT NULL, "field" TEXT NOT NULL, "value" TEXT NOT NULL, PRIMARY KEY ("measure_key", "fy", "field"));
