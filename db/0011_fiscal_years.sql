-- Version 11: closing a finished fiscal year. Every close and re-open is a row (who, when, from
-- where); a plan's year is closed while its latest row says 'close'. A closed year's values
-- (実施計画, 実施結果, 計画達成状況, indicator actuals and figures) are read-only everywhere: the
-- write of any change batch checks it (store/repository.apply_changes).
-- plan_code, not plan_id: a plan re-imported under its key keeps its closed years.

CREATE TABLE IF NOT EXISTS "fiscal_year_event" ("id" INTEGER NOT NULL PRIMARY KEY, "plan_code" TEXT NOT NULL, "fy" INTEGER NOT NULL, "action" TEXT NOT NULL, "at" TEXT NOT NULL, "user" TEXT NOT NULL, "source" TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS "fiscal_year_event_plan_code_fy" ON "fiscal_year_event" ("plan_code", "fy");
