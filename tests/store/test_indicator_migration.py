"""Schema 4 -> 5: a database with actuals entered keeps every one of them on the indicators.

tests/fixtures/schema_v4.sql is the dump of a real version-4 database made by the release
before indicators: the secretariat entered No.1's actuals (72, then 73 for R5, 81 for R6),
changed No.9's R5 target to 95 and entered 96.4, entered No.43's 120,000世帯 and an actual of
92.5 for the whole of No.86 (各種財政指標), which is now five indicators.
"""

from __future__ import annotations

import sqlite3

import pytest
from conftest import FIXTURES

from kanazawa_desktop.domain.errors import DeskError
from kanazawa_desktop.domain.indicator import Bound, EndValue, Limit, OutsideLimit
from kanazawa_desktop.domain.judgement import Verdict, of_indicator
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.store import schema


def _v4(tmp_path):
    db = tmp_path / "v4.sqlite3"
    con = sqlite3.connect(db)
    con.executescript((FIXTURES / "schema_v4.sql").read_text(encoding="utf-8"))
    con.close()
    return db


def test_actuals_targets_and_history_move_to_the_indicators(tmp_path):
    db = _v4(tmp_path)
    desk = Desk.open(db)
    try:
        ms = {m.key: m for m in desk.measures()}
        no1, no9, no43, no86 = ms["No.1"], ms["No.9"], ms["No.43"], ms["No.86"]
        assert no1.actuals == {"No.1": {2023: 73.0, 2024: 81.0}}
        assert no1.year(2023).actual == 73.0 and no1.year(2023).target == 70
        assert of_indicator(no1, no1.indicators[0], 2023).verdict is Verdict.ACHIEVED
        # the secretariat's own target survives, as the bound the column meant (以上を維持)
        assert no9.indicators[0].targets[0] == Limit(Bound.AT_LEAST, 95.0, 2023, 2023)
        assert no9.actuals["No.9"][2023] == 96.4
        # the bundled definition where nobody changed it: No.43's end value after the plan
        assert no43.indicators[0].targets == (EndValue(2027, 146000),)
        assert no43.actuals["No.43"][2023] == 120000.0
        assert no43.year(2023).result_text == "世帯数を集計"
        # No.86: five indicators, one of them against 中核市平均; the old whole actual is kept
        # in the history, not pinned on one of the five
        assert [i.key for i in no86.indicators] == [f"No.86-{n}" for n in range(1, 6)]
        assert isinstance(no86.indicators[3].targets[0], OutsideLimit)
        assert no86.actuals == {}
        kept = [e for e in desk.history(no86.id) if e.field == "legacy_actual"]
        assert [(e.source, e.old, e.new) for e in kept] == [
            ("migration", 92.5, None),
            ("form", None, 92.5),
        ]
        # No.1's history reads as before: 72 -> 73
        assert [
            (e.old, e.new) for e in desk.history(no1.id) if e.field == "actual" and e.fy == 2023
        ] == [(72.0, 73.0), (None, 72.0)]
    finally:
        desk.close()
    con = sqlite3.connect(db)
    try:
        # one home for each value: the old columns are emptied
        assert con.execute(
            "SELECT COUNT(*) FROM measure_year WHERE target IS NOT NULL OR actual IS NOT NULL"
        ).fetchone() == (0,)
        assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
            str(schema.LATEST_VERSION),
        )
        # the version-4 file was copied beside itself first
        assert list(tmp_path.glob("v4.sqlite3.v4-*.bak"))
    finally:
        con.close()


def test_an_old_history_of_the_whole_is_never_undone_onto_an_indicator(tmp_path):
    db = _v4(tmp_path)
    desk = Desk.open(db)
    try:
        no86 = next(m for m in desk.measures() if m.key == "No.86")
        batch = next(e.batch_id for e in desk.history(no86.id) if e.source == "form")
        with pytest.raises(DeskError):
            desk.undo_batch(batch)
        assert next(m for m in desk.measures() if m.key == "No.86").actuals == {}
    finally:
        desk.close()


def test_a_migrated_database_holds_the_three_plans(tmp_path):
    """A version-4 file (one plan) opens with the two later plans added from the bundled data:
    their items, levels counted from 1, their sheet rows; its own plan untouched."""
    db = _v4(tmp_path)
    with Desk.open(db) as desk:
        assert [p.code for p in desk.plans()] == ["gyosei_keiei", "sogo_senryaku_3", "digital_2"]
        assert len(desk.measures()) == 92
        with desk.on_plan("sogo_senryaku_3"):
            assert len(desk.measures()) == 55
            assert {n.level for n in desk.nodes()} == {1, 2}
        with desk.on_plan("digital_2"):
            assert len(desk.measures()) == 16 and desk.plan.rows == ("vision",)
