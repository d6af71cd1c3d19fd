-- Version 10: a round's deadline, and values a return could not take.
-- exchange_export.deadline: the 回収期限 the secretariat set when it issued the workbook
-- (ISO date, NULL: none). A department is overdue while its latest issued workbook's deadline
-- has passed and nothing newer came back.
-- exchange_conflict.kind: 'conflict' (both sides changed a field, as before) or 'invalid' (the
-- file's value breaks the field's rule: 「38名」 in 実績値, a status word not in the list). An
-- invalid one is an open item of its file: the rest of the file is applied, and the item is
-- settled later by typing a valid value or keeping the master's (`what` holds the reason; `file`
-- the cell's text as the department wrote it).

ALTER TABLE "exchange_export" ADD COLUMN "deadline" TEXT;
ALTER TABLE "exchange_conflict" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'conflict';
