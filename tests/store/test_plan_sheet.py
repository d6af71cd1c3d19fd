"""Which rows a plan's sheet has (plan.sheet, version 7): read, refused, and migrated."""

from __future__ import annotations

import sqlite3

import pytest

from kanazawa_desktop.domain.errors import InvalidValue
from kanazawa_desktop.domain.model import SHEET_ROWS
from kanazawa_desktop.domain.plan_sheet import parse_sheet, sheet_to_dict
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.store import schema


def test_the_first_plans_sheet_is_every_row_under_its_words():
    assert parse_sheet({}) == (SHEET_ROWS, ())
    rows, words = parse_sheet({"rows": ["vision", "summary"], "words": {"vision": "目指すべき姿"}})
    assert rows == ("summary", "vision")  # printed order, whatever order was written
    assert sheet_to_dict(rows, words) == {
        "rows": ["summary", "vision"],
        "words": {"vision": "目指すべき姿"},
    }
    assert sheet_to_dict(*parse_sheet({})) == {}


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"rows": ["budget"]},
        {"rows": ["vision", "vision"]},
        {"words": {"vision": ""}},
        {"words": {"budget": "予算"}},
        {"rows": [], "colour": "red"},
    ],
)
def test_a_sheet_it_cannot_follow_is_refused(bad):
    with pytest.raises(InvalidValue):
        parse_sheet(bad)


def test_the_bundled_plans_name_their_rows(tmp_path):
    with Desk.open(tmp_path / "d.sqlite3") as desk:
        by_code = {p.code: p for p in desk.plans()}
    assert by_code["gyosei_keiei"].rows == SHEET_ROWS
    assert by_code["gyosei_keiei"].label("vision") == "めざす姿"
    assert by_code["sogo_senryaku_3"].rows == ("summary",)
    assert by_code["digital_2"].rows == ("vision",)
    assert by_code["digital_2"].label("vision") == "目指すべき姿"


def test_a_version_6_database_gets_the_later_plans_rows(tmp_path):
    """Plans loaded before version 7 get what their bundled files now say (their rows, words,
    and levels counted from 1); a plan of its own (any other code) keeps the first plan's sheet."""
    path = tmp_path / "v6.sqlite3"
    con = sqlite3.connect(path)
    for step in schema.STEPS:
        if step.version <= 6:
            for statement in step.statements:
                con.execute(statement)
    con.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '6')")
    for i, code in enumerate(("gyosei_keiei", "sogo_senryaku_3", "digital_2", "own_plan"), 1):
        con.execute(
            "INSERT INTO plan (id, code, name, first_fy, last_fy, levels, item) "
            "VALUES (?, ?, ?, 2024, 2026, '[\"基本目標\"]', '取組')",
            (i, code, f"計画{i}"),
        )
    for plan_id, key, parent, level in ((2, "1", None, 0), (2, "1-1", 1, 1), (4, "1", None, 1)):
        con.execute(
            "INSERT INTO node (plan_id, key, parent_id, level, label, title, position) "
            "VALUES (?, ?, ?, ?, '', '', 0)",
            (plan_id, key, parent, level),
        )
    con.commit()
    con.close()
    with Desk.open(path) as desk:
        by_code = {p.code: p for p in desk.plans()}
        with desk.on_plan("sogo_senryaku_3"):  # its top level is 1, as the first plan's
            assert sorted((n.key, n.level) for n in desk.nodes()) == [("1", 1), ("1-1", 2)]
        with desk.on_plan("own_plan"):  # a plan of its own is left as it was
            assert [(n.key, n.level) for n in desk.nodes()] == [("1", 1)]
    assert by_code["sogo_senryaku_3"].rows == ("summary",)
    assert by_code["digital_2"].rows == ("vision",)
    assert by_code["digital_2"].label("vision") == "目指すべき姿"
    assert by_code["own_plan"].rows == SHEET_ROWS
    assert by_code["gyosei_keiei"].rows == SHEET_ROWS
