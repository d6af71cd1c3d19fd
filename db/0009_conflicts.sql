-- Version 9: the conflicts an import left open, one row each: the secretariat's worklist.
-- Until now they were only a JSON list in exchange_import.conflicts, which gave them no ID to
-- name on the command line, and settling one would have meant rewriting that list. A row has a
-- stable id, the measure (id and key), year and field, both values (JSON), what the list said;
-- once settled, when, by whom, how (file | master | value | edit) and the batch that wrote it
-- (NULL when nothing needed writing), so undoing that batch opens it again.
-- Which conflicts are open is not stored: a row is open while it is unsettled and its import
-- is the latest standing one of its plan, scope and department (a later return replaces the
-- list; undoing it brings the earlier list back), as 回収状況 always read it.
-- exchange_import.conflicts stays: what each import left open when it was applied.

CREATE TABLE IF NOT EXISTS "exchange_conflict" ("id" INTEGER NOT NULL PRIMARY KEY, "import_id" INTEGER NOT NULL, "measure_id" INTEGER, "measure_key" TEXT NOT NULL, "fy" INTEGER NOT NULL, "field" TEXT NOT NULL, "what" TEXT NOT NULL, "master" TEXT NOT NULL, "file" TEXT NOT NULL, "blank" INTEGER NOT NULL, "settled_at" TEXT, "settled_by" TEXT, "settled_how" TEXT, "settled_batch" INTEGER, FOREIGN KEY ("import_id") REFERENCES "exchange_import" ("id") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "exchange_conflict_import_id" ON "exchange_conflict" ("import_id");
CREATE INDEX IF NOT EXISTS "exchange_conflict_measure_id_field" ON "exchange_conflict" ("measure_id", "field");
CREATE INDEX IF NOT EXISTS "exchange_conflict_settled_batch" ON "exchange_conflict" ("settled_batch");

-- The lists already recorded become rows (json_quote keeps each value's JSON type; a NULL
-- plan_code is the first plan's, as version 7 reads it).
INSERT INTO "exchange_conflict" ("import_id", "measure_id", "measure_key", "fy", "field", "what", "master", "file", "blank") SELECT i."id", (SELECT m."id" FROM "measure" m JOIN "plan" p ON p."id" = m."plan_id" WHERE m."key" = json_extract(j."value", '$.measure') AND p."code" = COALESCE(i."plan_code", 'gyosei_keiei')), json_extract(j."value", '$.measure'), COALESCE(json_extract(j."value", '$.fy'), 0), json_extract(j."value", '$.field'), COALESCE(json_extract(j."value", '$.what'), ''), json_quote(json_extract(j."value", '$.master')), json_quote(json_extract(j."value", '$.file')), COALESCE(json_extract(j."value", '$.blank'), 0) FROM "exchange_import" i, json_each(i."conflicts") j WHERE json_valid(i."conflicts") ORDER BY i."id", j."key";
