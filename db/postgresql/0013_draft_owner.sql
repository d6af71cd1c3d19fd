-- Version 13 on a server (db/0013_draft_owner.sql is SQLite's): drafts get their owner, the
-- login that typed them. Drafts written before had none and were shared by a department: they
-- keep the empty owner (nobody's), so no one is shown another person's text as their own.

ALTER TABLE "draft" ADD COLUMN "owner" TEXT NOT NULL DEFAULT '';
ALTER TABLE "draft" ALTER COLUMN "owner" SET DEFAULT session_user;
ALTER TABLE "draft" DROP CONSTRAINT "draft_pkey";
ALTER TABLE "draft" ADD PRIMARY KEY ("owner", "measure_id", "fy", "field");
