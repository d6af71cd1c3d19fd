-- Version 12: a plan's 用語解説 (the seed's ※ notes), printed after the 取組管理票.
--
-- plan.glossary: JSON list [{"mark": "※6", "term": "ネウボラ", "text": "..."}], in printed order
-- (domain.glossary checks it). '[]' is a plan without notes. Existing plans keep their texts and
-- get no glossary: nothing of a user's data is rewritten.

ALTER TABLE "plan" ADD COLUMN "glossary" TEXT NOT NULL DEFAULT '[]';
