-- Version 8: the history of the values of indicators no measure owns — a 基本目標's 数値目標
-- (総合戦略: indicator.node_id set) and a plan's own KPIs (デジタル戦略: node_id NULL too).
-- The `change` table is keyed by measure, so their actuals and outside figures could not be
-- recorded there. One row per field and fiscal year changed, in a change_batch like every
-- other change (undo, redo and the history read it beside `change` and `node_change`).
-- A new table only: no existing row is touched.

CREATE TABLE IF NOT EXISTS "indicator_change" ("id" INTEGER NOT NULL PRIMARY KEY, "batch_id" INTEGER NOT NULL, "indicator_id" INTEGER NOT NULL, "fy" INTEGER NOT NULL, "field" TEXT NOT NULL, "old" TEXT, "new" TEXT, FOREIGN KEY ("batch_id") REFERENCES "change_batch" ("id") ON DELETE CASCADE, FOREIGN KEY ("indicator_id") REFERENCES "indicator" ("id") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "indicator_change_batch_id" ON "indicator_change" ("batch_id");
CREATE INDEX IF NOT EXISTS "indicator_change_indicator_id" ON "indicator_change" ("indicator_id");
