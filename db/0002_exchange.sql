-- Version 2: the workbook exchange's tables (exports issued, imports applied, sync base).
-- New tables only: no existing row is touched.

CREATE TABLE IF NOT EXISTS "exchange_export" ("id" INTEGER NOT NULL PRIMARY KEY, "at" TEXT NOT NULL, "user" TEXT NOT NULL, "scope" TEXT NOT NULL, "department" TEXT NOT NULL, "file_name" TEXT NOT NULL, "rows" INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS "exchange_import" ("id" INTEGER NOT NULL PRIMARY KEY, "at" TEXT NOT NULL, "user" TEXT NOT NULL, "file_name" TEXT NOT NULL, "content_hash" TEXT NOT NULL, "scope" TEXT NOT NULL, "department" TEXT NOT NULL, "batch_id" INTEGER, "applied" INTEGER NOT NULL, "conflicts" TEXT NOT NULL, "undone" INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS "exchange_import_content_hash" ON "exchange_import" ("content_hash");

CREATE TABLE IF NOT EXISTS "exchange_base" ("measure_key" TEXT NOT NULL, "fy" INTEGER NOT NULL, "field" TEXT NOT NULL, "value" TEXT NOT NULL, PRIMARY KEY ("measure_key", "fy", "field"));
