-- Version 7: which text rows a plan's sheet has, under which words; which plan each workbook
-- written or imported belonged to.
--
-- plan.sheet: JSON {"rows": [...], "words": {...}}; rows are the ones of summary, vision,
-- related_plans, resources the plan's sheet has, in printed order; words the plan's own names for
-- them. '{}' is the first plan's sheet (every row, as 行政経営プラン names them).
-- The two later bundled plans were loaded before the column existed: they get what their bundled
-- files now say (tools/seed_decisions_003.json, _004.json), nothing else is touched.

ALTER TABLE "plan" ADD COLUMN "sheet" TEXT NOT NULL DEFAULT '{}';

UPDATE "plan" SET "sheet" = '{"rows": ["summary"], "words": {}}' WHERE "code" = 'sogo_senryaku_3';

UPDATE "plan" SET "sheet" = '{"rows": ["vision"], "words": {"vision": "目指すべき姿"}}' WHERE "code" = 'digital_2';

-- Their hierarchy was loaded with its top level numbered 0; the app numbers it 1 (the first plan's
-- 方針 = 1, what --policy, the history's level names and adding a node count from): shifted once.
UPDATE "node" SET "level" = "level" + 1 WHERE "plan_id" IN (SELECT "id" FROM "plan" WHERE "code" IN ('sogo_senryaku_3', 'digital_2')) AND "plan_id" IN (SELECT "plan_id" FROM "node" WHERE "level" = 0);

-- exchange_export / exchange_import.plan_code: the plan of the workbook, so 回収状況 is per plan.
-- NULL: logged before version 7, read as the 行政経営プラン's (services.desk.PLAN_CODE).
ALTER TABLE "exchange_export" ADD COLUMN "plan_code" TEXT;

ALTER TABLE "exchange_import" ADD COLUMN "plan_code" TEXT;
