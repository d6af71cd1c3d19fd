-- Version 6: what the later plans say beyond the first one's sheet.
--
-- plan.item: what the plan calls one reporting unit (取組), beside its levels' names.
-- node_detail: a hierarchy node's description (a 基本目標's or 柱's text).
-- measure_detail: a reporting unit's plan-specific content as JSON (総合戦略: its 具体的な事業,
-- some marked 再掲; デジタル戦略: what was achieved before the strategy and its 取組 rows by year
-- with their words and versions).
-- New tables and a column with a default: no existing row is touched.

ALTER TABLE "plan" ADD COLUMN "item" TEXT NOT NULL DEFAULT '取組';

CREATE TABLE IF NOT EXISTS "node_detail" ("node_id" INTEGER NOT NULL PRIMARY KEY, "description" TEXT NOT NULL, FOREIGN KEY ("node_id") REFERENCES "node" ("id") ON DELETE CASCADE);

CREATE TABLE IF NOT EXISTS "measure_detail" ("measure_id" INTEGER NOT NULL PRIMARY KEY, "details" TEXT NOT NULL, FOREIGN KEY ("measure_id") REFERENCES "measure" ("id") ON DELETE CASCADE);
