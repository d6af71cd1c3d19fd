"""Departments assigned to many items at once from a table (番号, 担当課): one batch, undone
as a whole; every row checked first, a bad one naming its row and changing nothing."""

from __future__ import annotations

import pytest
from plan_helpers import table

from kanazawa_desktop.domain.errors import BadWorkbook, InvalidValue, PermissionDenied
from kanazawa_desktop.services.assign import assign_departments
from kanazawa_desktop.services.desk import Desk


def test_the_secretariat_assigns_items_of_a_later_plan_in_one_batch(secretariat, tmp_path):
    desk = secretariat
    desk.use_plan("総合戦略")
    f = table(
        tmp_path / "a.xlsx",
        [
            ("1-1-①", "ネウボラ", "こども未来課"),
            ("No.2", "", "こども未来課、保育幼稚園課"),
            ("Ｎｏ．３", "", "保育幼稚園課\n子育て支援課"),
            (4, "", ""),  # stays the secretariat's
        ],
    )
    dry = assign_departments(desk, f, dry_run=True)
    assert (dry.changed, dry.unchanged, dry.result) == (3, 1, None)
    assert all(not r.departments for r in desk.rows())  # a dry run writes nothing
    out = assign_departments(desk, f)
    by_number = {r.number: r.departments for r in desk.rows()}
    assert by_number[1] == ("こども未来課",)
    assert by_number[2] == ("こども未来課", "保育幼稚園課")
    assert by_number[3] == ("保育幼稚園課", "子育て支援課")
    assert out.result is not None and len(out.result.changes) == 3
    assert {h.field for m in (1, 2, 3) for h in desk.history(_id(desk, m))} == {"departments"}
    desk.undo()  # the whole table at once
    assert all(not r.departments for r in desk.rows())
    desk.use_plan("gyosei_keiei")


def _id(desk, number):
    return next(r.id for r in desk.rows() if r.number == number)


@pytest.mark.parametrize(
    "rows, says",
    [
        ([("No.1", "", "人事課"), ("No.999", "", "人事課")], "5行目: 番号「No.999」"),
        ([("No.1", "", "人事課"), ("1", "", "財政課")], "5行目: 1 は 4行目にもあります"),
    ],
)
def test_a_bad_row_is_named_and_nothing_changes(secretariat, tmp_path, rows, says):
    before = {r.id: r.departments for r in secretariat.rows()}
    with pytest.raises(InvalidValue, match=says):
        assign_departments(secretariat, table(tmp_path / "b.xlsx", rows, blank_rows=2))
    assert {r.id: r.departments for r in secretariat.rows()} == before


def test_a_table_without_the_headers_or_not_a_workbook_is_refused(secretariat, tmp_path):
    with pytest.raises(BadWorkbook, match="見出し"):
        assign_departments(secretariat, table(tmp_path / "c.xlsx", [], header=("No", "課")))
    bad = tmp_path / "d.xlsx"
    bad.write_text("番号,担当課\nNo.1,人事課\n", encoding="utf-8")
    with pytest.raises(BadWorkbook, match="ブック"):
        assign_departments(secretariat, bad)


def test_only_the_secretariat_assigns(tmp_path):
    with Desk.open(tmp_path / "d.sqlite3") as d:
        d.set_role(department="人事課")
        with pytest.raises(PermissionDenied):
            assign_departments(d, table(tmp_path / "e.xlsx", [("No.1", "", "財政課")]))
