"""The schema a new or migrated database gets is exactly the one the app has always made.

tests/fixtures/schema_new.sql holds sqlite_master's text of a new database (versions 1-4
as the code before db/*.sql made them, peewee create_tables); a new file, and every older fixture once
migrated, must have exactly those statements (and the same automatic indexes).
tests/fixtures/schema_v6_new.sql is the same text as version 6 made it (an empty version-6 file).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import FIXTURES
from schema_helpers import draft_before_13

from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.store import schema, steps


def _master(con: sqlite3.Connection) -> list[tuple]:
    return con.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    ).fetchall()


def _expected() -> list[tuple]:
    con = sqlite3.connect(":memory:")
    con.executescript((FIXTURES / "schema_new.sql").read_text(encoding="utf-8"))
    rows = _master(con)
    con.close()
    return rows


def _actual(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    rows = [r for r in _master(con) if r[1] != "sqlite_sequence"]
    con.close()
    return rows


def test_a_new_database_has_the_schema_of_before(tmp_path):
    db = tmp_path / "new.sqlite3"
    Desk.open(db).close()
    assert _actual(db) == _expected()


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_a_migrated_database_has_exactly_the_schema_of_a_new_one(tmp_path, version):
    db = tmp_path / "old.sqlite3"
    con = sqlite3.connect(db)
    con.executescript((FIXTURES / f"schema_v{version}.sql").read_text(encoding="utf-8"))
    con.close()
    Desk.open(db).close()
    assert _actual(db) == _expected()


def test_a_version_6_database_gets_the_later_columns_and_tables(tmp_path):
    db = tmp_path / "v6.sqlite3"
    con = sqlite3.connect(db)
    con.executescript((FIXTURES / "schema_v6_new.sql").read_text(encoding="utf-8"))
    con.execute("INSERT INTO meta VALUES ('schema_version', '6')")
    con.commit()
    con.close()
    with Desk.open(db) as desk:
        assert schema.current_version(desk.db) == schema.LATEST_VERSION == 13
    assert _actual(db) == _expected()
    assert list(tmp_path.glob("v6.sqlite3.v6-*.bak"))


def test_the_models_describe_the_schema_the_steps_make():
    """peewee's models and db/*.sql cannot drift apart: create_tables over the models makes
    exactly the schema of running every step."""
    from peewee import SqliteDatabase

    from kanazawa_desktop.store.exchange_models import EXCHANGE_MODELS
    from kanazawa_desktop.store.models import CORE_MODELS

    ALL_MODELS = [*CORE_MODELS, *EXCHANGE_MODELS]

    db = SqliteDatabase(":memory:")
    with db.bind_ctx(ALL_MODELS):
        db.create_tables(ALL_MODELS)
        from_models = _master(db.connection())
    con = sqlite3.connect(":memory:")
    for step in schema.STEPS:
        for sql in step.statements:
            con.execute(sql)
    assert _master(con) == from_models == _expected()


def test_a_step_runs_in_one_transaction_statement_by_statement(tmp_path, monkeypatch):
    """A step that fails half way leaves the file at the version before, with nothing of the
    step in it (executescript would have committed the statements before the failure)."""
    db = tmp_path / "old.sqlite3"
    con = sqlite3.connect(db)
    con.executescript((FIXTURES / "schema_v3.sql").read_text(encoding="utf-8"))
    con.close()
    before = _actual(db)
    # fails on the file's rows only (an empty database takes it): after the step's tables
    broken = steps.Step(
        4,
        "0004_broken.sql",
        (*schema.STEPS[3].statements, 'CREATE UNIQUE INDEX "x" ON "measure_year" ("fy");'),
    )
    monkeypatch.setattr(schema, "STEPS", (*schema.STEPS[:3], broken))
    with pytest.raises(Exception, match="UNIQUE"):
        Desk.open(db)
    assert _actual(db) == before
    con = sqlite3.connect(db)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("3",)
    con.close()


def test_statements_are_split_whole():
    text = """-- a comment
CREATE TABLE "a" ("x" TEXT DEFAULT 'a;b');  -- trailing
-- between
CREATE TRIGGER "t" AFTER INSERT ON "a" BEGIN
  UPDATE "a" SET "x" = 'y;' WHERE 0;
  DELETE FROM "a" WHERE 0;
END;

CREATE INDEX "i"
  ON "a" ("x");
"""
    got = steps.split_statements(text)
    assert [s.split()[1] for s in got] == ["TABLE", "TRIGGER", "INDEX"]
    con = sqlite3.connect(":memory:")
    for sql in got:
        con.execute(sql)
    assert {r[0] for r in con.execute("SELECT name FROM sqlite_master")} == {"a", "t", "i"}
    with pytest.raises(ValueError, match="incomplete"):
        steps.split_statements('CREATE TABLE "b" ("x" TEXT)')


def test_a_step_may_not_end_the_runners_transaction(tmp_path, monkeypatch):
    pkg = tmp_path / "fake_steps"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "0001_initial.sql").write_text('CREATE TABLE "a" ("x" TEXT);\nCOMMIT;\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ValueError, match="transaction"):
        steps.read_steps("fake_steps")
    (pkg / "0001_initial.sql").write_text('CREATE TABLE "a" ("x" TEXT);\n')
    (pkg / "0003_gap.sql").write_text('CREATE TABLE "b" ("x" TEXT);\n')
    with pytest.raises(ValueError, match="1..N"):
        steps.read_steps("fake_steps")


def test_what_each_version_adds_is_read_from_the_steps():
    added = {a.version: a for a in steps.additions(schema.STEPS)}
    assert added[1].tables == {
        "change",
        "change_batch",
        "department",
        "draft",
        "measure",
        "measure_department",
        "measure_year",
        "meta",
        "node",
        "plan",
    }
    assert added[2].tables == {"exchange_export", "exchange_import", "exchange_base"}
    assert added[3].tables == {"node_change", "exchange_sent"}
    assert added[3].columns == {
        ("exchange_import", "base_changes"),
        ("exchange_import", "issued_at"),
    }
    assert added[4].tables == {"exchange_issued"}
    assert added[4].columns == {
        ("exchange_import", c) for c in ("manifest_checksum", "issuer_uid", "sequence", "saved_at")
    }
    assert added[5].tables == {"indicator", "indicator_value"}
    assert added[6].tables == {"node_detail", "measure_detail"}
    assert added[6].columns == {("plan", "item")}
    assert not added[7].tables
    assert added[7].columns == {
        ("plan", "sheet"),
        ("exchange_export", "plan_code"),
        ("exchange_import", "plan_code"),
    }
    assert added[8].tables == {"indicator_change"} and not added[8].columns
    assert added[9].tables == {"exchange_conflict"} and not added[9].columns
    assert not added[10].tables
    assert added[10].columns == {("exchange_export", "deadline"), ("exchange_conflict", "kind")}
    assert added[11].tables == {"fiscal_year_event"} and not added[11].columns
    assert not added[12].tables and added[12].columns == {("plan", "glossary")}
    assert not added[13].tables and added[13].columns == {("draft", "owner")}  # a rebuild
    assert all(a.tables or a.columns for a in added.values())


def _run_additions(all_steps) -> dict[int, tuple[frozenset, frozenset]]:
    """What each step adds, seen in a database built by running the steps."""
    con = sqlite3.connect(":memory:")

    def columns() -> dict[str, frozenset[str]]:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: frozenset(r[1] for r in con.execute(f'PRAGMA table_info("{t}")')) for t in names}

    out, before = {}, columns()
    for step in all_steps:
        for sql in step.statements:
            con.execute(sql)
        after = columns()
        out[step.version] = (
            frozenset(after) - frozenset(before),
            frozenset((t, c) for t in before for c in after[t] - before[t]),
        )
        before = after
    return out


def test_reading_what_a_step_adds_agrees_with_running_it():
    odd = steps.Step(
        10,
        "0010_odd.sql",
        (
            'CREATE TABLE IF NOT EXISTS [odd table] ("a" TEXT);',
            'alter table `odd table` add "b ""quoted""" TEXT;',
            "ALTER TABLE exchange_issued ADD COLUMN note TEXT;",
            'CREATE TABLE "fresh" ("a" TEXT);',
            'ALTER TABLE "fresh" ADD COLUMN "b" TEXT;',
            # a rebuild for a new primary key, with a column whose name looks like a keyword
            'CREATE TABLE "node_detail_x" ("node_id" INTEGER NOT NULL, "lang" TEXT NOT NULL'
            " DEFAULT 'ja' CHECK (lang IN ('ja', 'en')), \"description\" TEXT NOT NULL,"
            ' "checked" INTEGER, PRIMARY KEY ("node_id", "lang"),'
            ' FOREIGN KEY ("node_id") REFERENCES "node" ("id") ON DELETE CASCADE);',
            'INSERT INTO "node_detail_x" ("node_id", "description")'
            ' SELECT "node_id", "description" FROM "node_detail";',
            'DROP TABLE "node_detail";',
            'ALTER TABLE "node_detail_x" RENAME TO "node_detail";',
        ),
    )
    all_steps = (*schema.STEPS, odd)
    read = {a.version: (a.tables, a.columns) for a in steps.additions(all_steps)}
    assert read == _run_additions(all_steps)
    assert read[10] == (
        {"odd table", "fresh"},
        {("exchange_issued", "note"), ("node_detail", "lang"), ("node_detail", "checked")},
    )


def test_a_rebuild_that_loses_a_column_is_refused():
    rebuild = (
        'CREATE TABLE "node_detail_x" ("node_id" INTEGER NOT NULL PRIMARY KEY);',
        'DROP TABLE "node_detail";',
        'ALTER TABLE "node_detail_x" RENAME TO "node_detail";',
    )
    with pytest.raises(ValueError, match="loses \\['description'\\]"):
        steps.additions((*schema.STEPS, steps.Step(99, "0099_x.sql", rebuild)))


@pytest.mark.parametrize(
    "sql",
    [
        'DROP TABLE "exchange_sent";',
        'ALTER TABLE "exchange_sent" RENAME TO "sent";',
        'CREATE TABLE "sent" ("a" TEXT);\nALTER TABLE "exchange_sent" RENAME TO "sent";',
        'ALTER TABLE "exchange_import" DROP COLUMN "saved_at";',
    ],
)
def test_a_step_the_schema_check_cannot_follow_is_refused(sql):
    with pytest.raises(ValueError, match="cannot follow"):
        steps.additions(
            (*schema.STEPS, steps.Step(5, "0005_x.sql", tuple(steps.split_statements(sql))))
        )


def test_version_13_keeps_the_drafts_typed_before_it(tmp_path):
    """The rebuild that gives drafts their owner carries every draft over (a file's are '')."""
    db = tmp_path / "v12.sqlite3"
    with Desk.open(db) as desk:
        mid = desk.measures()[0].id
    con = sqlite3.connect(db)
    draft_before_13(con)
    con.execute(
        "INSERT INTO draft VALUES (?, 2024, 'result_text', '停電前の入力', '2026-11-30T10:00:00')",
        (mid,),
    )
    con.execute("UPDATE meta SET value = '12' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with Desk.open(db) as desk:
        assert schema.current_version(desk.db) == 13
        assert desk.drafts() == {mid: {(2024, "result_text"): "停電前の入力"}}
    assert _actual(db) == _expected()
    assert sorted(p.name for p in tmp_path.iterdir() if ".v12-" in p.name)  # backed up first
