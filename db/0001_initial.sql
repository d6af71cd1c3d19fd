-- Version 1: the schema of the first release (what peewee's create_tables made then).
-- Each statement is on one line, as SQLite keeps it in sqlite_master: a new database's
-- schema text is then the same as the one every earlier release wrote.
-- Run by store/schema.py: one transaction per file, statement by statement; no BEGIN/COMMIT here.

CREATE TABLE IF NOT EXISTS "plan" ("id" INTEGER NOT NULL PRIMARY KEY, "code" TEXT NOT NULL, "name" TEXT NOT NULL, "first_fy" INTEGER NOT NULL, "last_fy" INTEGER NOT NULL, "levels" TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS "plan_code" ON "plan" ("code");

CREATE TABLE IF NOT EXISTS "node" ("id" INTEGER NOT NULL PRIMARY KEY, "plan_id" INTEGER NOT NULL, "key" TEXT NOT NULL, "parent_id" INTEGER, "level" INTEGER NOT NULL, "label" TEXT NOT NULL, "title" TEXT NOT NULL, "position" INTEGER NOT NULL, FOREIGN KEY ("plan_id") REFERENCES "plan" ("id") ON DELETE CASCADE, FOREIGN KEY ("parent_id") REFERENCES "node" ("id") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "node_parent_id" ON "node" ("parent_id");
CREATE INDEX IF NOT EXISTS "node_plan_id" ON "node" ("plan_id");
CREATE UNIQUE INDEX IF NOT EXISTS "node_plan_id_key" ON "node" ("plan_id", "key");

CREATE TABLE IF NOT EXISTS "department" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, "position" INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS "department_name" ON "department" ("name");

CREATE TABLE IF NOT EXISTS "measure" ("id" INTEGER NOT NULL PRIMARY KEY, "plan_id" INTEGER NOT NULL, "key" TEXT NOT NULL, "node_id" INTEGER NOT NULL, "number" INTEGER, "repeat_of" INTEGER, "name" TEXT NOT NULL, "list_name" TEXT NOT NULL, "numeric" INTEGER NOT NULL, "summary" TEXT NOT NULL, "vision" TEXT NOT NULL, "related_plans" TEXT NOT NULL, "res_hito" INTEGER NOT NULL, "res_kane" INTEGER NOT NULL, "res_mono" INTEGER NOT NULL, "res_joho" INTEGER NOT NULL, "retired" INTEGER NOT NULL, "position" INTEGER NOT NULL, "ind_name" TEXT NOT NULL, "ind_unit" TEXT NOT NULL, "ind_direction" TEXT NOT NULL, "ind_cumulative" INTEGER NOT NULL, "ind_note" TEXT NOT NULL, FOREIGN KEY ("plan_id") REFERENCES "plan" ("id") ON DELETE CASCADE, FOREIGN KEY ("node_id") REFERENCES "node" ("id"));
CREATE INDEX IF NOT EXISTS "measure_node_id" ON "measure" ("node_id");
CREATE INDEX IF NOT EXISTS "measure_plan_id" ON "measure" ("plan_id");
CREATE UNIQUE INDEX IF NOT EXISTS "measure_plan_id_key" ON "measure" ("plan_id", "key");

CREATE TABLE IF NOT EXISTS "measure_department" ("measure_id" INTEGER NOT NULL, "department_id" INTEGER NOT NULL, "position" INTEGER NOT NULL, PRIMARY KEY ("measure_id", "department_id"), FOREIGN KEY ("measure_id") REFERENCES "measure" ("id") ON DELETE CASCADE, FOREIGN KEY ("department_id") REFERENCES "department" ("id"));
CREATE INDEX IF NOT EXISTS "measure_department_department_id" ON "measure_department" ("department_id");
CREATE INDEX IF NOT EXISTS "measure_department_measure_id" ON "measure_department" ("measure_id");

CREATE TABLE IF NOT EXISTS "measure_year" ("measure_id" INTEGER NOT NULL, "fy" INTEGER NOT NULL, "plan_text" TEXT NOT NULL, "result_text" TEXT NOT NULL, "status" TEXT NOT NULL, "target" REAL, "actual" REAL, PRIMARY KEY ("measure_id", "fy"), FOREIGN KEY ("measure_id") REFERENCES "measure" ("id") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "measure_year_measure_id" ON "measure_year" ("measure_id");

CREATE TABLE IF NOT EXISTS "change_batch" ("id" INTEGER NOT NULL PRIMARY KEY, "at" TEXT NOT NULL, "user" TEXT NOT NULL, "role" TEXT NOT NULL, "source" TEXT NOT NULL, "description" TEXT NOT NULL, "undone_by" INTEGER, "undoes" INTEGER);

CREATE TABLE IF NOT EXISTS "change" ("id" INTEGER NOT NULL PRIMARY KEY, "batch_id" INTEGER NOT NULL, "measure_id" INTEGER NOT NULL, "fy" INTEGER, "field" TEXT NOT NULL, "old" TEXT, "new" TEXT, FOREIGN KEY ("batch_id") REFERENCES "change_batch" ("id") ON DELETE CASCADE, FOREIGN KEY ("measure_id") REFERENCES "measure" ("id") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "change_batch_id" ON "change" ("batch_id");
CREATE INDEX IF NOT EXISTS "change_measure_id" ON "change" ("measure_id");
CREATE INDEX IF NOT EXISTS "change_measure_id_id" ON "change" ("measure_id", "id");

CREATE TABLE IF NOT EXISTS "draft" ("measure_id" INTEGER NOT NULL, "fy" INTEGER NOT NULL, "field" TEXT NOT NULL, "text" TEXT NOT NULL, "updated_at" TEXT NOT NULL, PRIMARY KEY ("measure_id", "fy", "field"), FOREIGN KEY ("measure_id") REFERENCES "measure" ("id") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "draft_measure_id" ON "draft" ("measure_id");

CREATE TABLE IF NOT EXISTS "meta" ("key" TEXT NOT NULL PRIMARY KEY, "value" TEXT NOT NULL);
