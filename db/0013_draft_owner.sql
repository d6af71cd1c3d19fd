-- Version 13: drafts are per person. On a shared server two people of one department may type
-- in the same measure; each keeps only their own unsaved text. `owner` is the login on a server
-- (session_user, the row policies allow no other) and '' in a SQLite file, which one PC uses.
-- SQLite cannot change a primary key in place: the table is made again with its rows.

CREATE TABLE "draft_v13" ("owner" TEXT NOT NULL DEFAULT '', "measure_id" INTEGER NOT NULL, "fy" INTEGER NOT NULL, "field" TEXT NOT NULL, "text" TEXT NOT NULL, "updated_at" TEXT NOT NULL, PRIMARY KEY ("owner", "measure_id", "fy", "field"), FOREIGN KEY ("measure_id") REFERENCES "measure" ("id") ON DELETE CASCADE);
INSERT INTO "draft_v13" ("owner", "measure_id", "fy", "field", "text", "updated_at") SELECT '', "measure_id", "fy", "field", "text", "updated_at" FROM "draft";
DROP TABLE "draft";
ALTER TABLE "draft_v13" RENAME TO "draft";
CREATE INDEX IF NOT EXISTS "draft_measure_id" ON "draft" ("measure_id");
