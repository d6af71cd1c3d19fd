-- Version 5: indicators (数値目標, KPI) as their own rows, with their values per fiscal year.
--
-- indicator: one series of a plan, owned by a measure (or, for the later plans, a node of the
-- hierarchy: measure_id NULL); `definition` is its name, unit, baseline and targets as JSON
-- (domain.indicator.indicator_to_dict), `position` its order under its owner.
-- indicator_value: the actual per fiscal year, and the outside figure an OutsideLimit target
-- compares with (中核市平均).
-- The data step (store/indicator_migration.py, run by schema.ensure_schema in the same
-- transaction) moves each 【数値目標】 measure's ind_* columns and measure_year target/actual
-- here; those old columns are left empty, not dropped (SQLite keeps them harmlessly).

CREATE TABLE IF NOT EXISTS "indicator" ("id" INTEGER NOT NULL PRIMARY KEY, "plan_id" INTEGER NOT NULL, "key" TEXT NOT NULL, "measure_id" INTEGER, "node_id" INTEGER, "position" INTEGER NOT NULL, "definition" TEXT NOT NULL, FOREIGN KEY ("plan_id") REFERENCES "plan" ("id") ON DELETE CASCADE, FOREIGN KEY ("measure_id") REFERENCES "measure" ("id") ON DELETE CASCADE, FOREIGN KEY ("node_id") REFERENCES "node" ("id") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "indicator_plan_id" ON "indicator" ("plan_id");
CREATE INDEX IF NOT EXISTS "indicator_measure_id" ON "indicator" ("measure_id");
CREATE INDEX IF NOT EXISTS "indicator_node_id" ON "indicator" ("node_id");
CREATE UNIQUE INDEX IF NOT EXISTS "indicator_plan_id_key" ON "indicator" ("plan_id", "key");

CREATE TABLE IF NOT EXISTS "indicator_value" ("indicator_id" INTEGER NOT NULL, "fy" INTEGER NOT NULL, "actual" REAL, "figure" REAL, PRIMARY KEY ("indicator_id", "fy"), FOREIGN KEY ("indicator_id") REFERENCES "indicator" ("id") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "indicator_value_indicator_id" ON "indicator_value" ("indicator_id");
