-- Version 4: the register of issued workbooks, and what identifies each imported one.
--
-- exchange_issued: one row per workbook this database wrote (master or department part),
-- with the checksum of its manifest exactly as written. A returned workbook that claims to
-- come from this database must carry one of these manifests: a checksum inside a file can
-- be recomputed by anyone, this register cannot be reached from a file. Its id is the issue
-- sequence, which orders two workbooks of this database even when written in the same second.
--
-- exchange_import gains the imported manifest's checksum (two returns of one issued workbook
-- are fillings of the same file), the issuing database and its sequence number (to order two
-- workbooks of one issuer), and when the file was last saved (docProps/core.xml: orders two
-- fillings of the same issued workbook).
-- A new table and new nullable columns: no existing row is touched.

CREATE TABLE IF NOT EXISTS "exchange_issued" ("id" INTEGER NOT NULL PRIMARY KEY, "checksum" TEXT NOT NULL, "at" TEXT NOT NULL, "scope" TEXT NOT NULL, "department" TEXT NOT NULL, "issued_at" TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS "exchange_issued_checksum" ON "exchange_issued" ("checksum");

ALTER TABLE "exchange_import" ADD COLUMN "manifest_checksum" TEXT;
ALTER TABLE "exchange_import" ADD COLUMN "issuer_uid" TEXT;
ALTER TABLE "exchange_import" ADD COLUMN "sequence" INTEGER;
ALTER TABLE "exchange_import" ADD COLUMN "saved_at" TEXT;
CREATE INDEX IF NOT EXISTS "exchange_import_manifest_checksum" ON "exchange_import" ("manifest_checksum");
