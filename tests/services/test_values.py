"""One home per rule: value validation and the field accessor in domain/values.py, one
cell-length limit, the 入力 sheet's columns read in workbook/entry_sheet.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain import values
from kanazawa_desktop.domain.errors import InvalidValue
from kanazawa_desktop.domain.values import EXCEL_CELL_LIMIT, field_value, series_fields, validate
from kanazawa_desktop.services.exchange.validate import parse_field
from kanazawa_desktop.store import repository as repo
from kanazawa_desktop.workbook import entry_sheet, layout

PACKAGE = Path(values.__file__).resolve().parent.parent


def test_the_cell_length_limit_is_defined_once():
    assert layout.EXCEL_CELL_LIMIT is EXCEL_CELL_LIMIT == 32767
    holders = [
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if "32767" in p.read_text(encoding="utf-8")
    ]
    assert holders == ["domain/values.py"]


@pytest.mark.parametrize("value", [10**400, -(10**400), "1e400", "nan", True, "120名"])
def test_a_number_that_cannot_be_kept_is_invalid_not_a_crash(value):
    with pytest.raises(InvalidValue) as err:
        validate(F.ACTUAL, value)
    assert err.value.data["field"] == F.ACTUAL


def test_form_save_and_import_share_the_rule(jinji):
    row = next(r for r in jinji.rows() if r.number == 10)
    long = "あ" * (EXCEL_CELL_LIMIT + 1)
    with pytest.raises(InvalidValue) as err:
        jinji.save(row.id, {(2023, F.RESULT_TEXT): long})
    assert err.value.data["length"] == EXCEL_CELL_LIMIT + 1
    value, blank, problem = parse_field(F.RESULT_TEXT, long, 12)
    assert value is None and not blank
    assert (
        problem.startswith("入力!F12（実施結果）: 文字数が上限を超えています")
        and str(EXCEL_CELL_LIMIT + 1) in problem
    )
    # the same inputs are taken the same way by both
    for field, raw in (
        (F.STATUS, "達成"),
        (F.ACTUAL, "１，８００"),
        (F.ACTUAL, 98.5),
        (F.RESULT_TEXT, "a\r\nb"),
    ):
        assert parse_field(field, raw, 2)[0] == validate(field, raw)
    too_big = parse_field(F.ACTUAL, 10**400, 3)[2]  # was an OverflowError out of the import
    assert too_big.startswith("入力!I3（実績値）: 「1000") and too_big.endswith(
        "」は数値ではありません"
    )
    assert (
        parse_field(F.STATUS, "済み", 4)[2]
        == "入力!G4（計画達成状況）: 「済み」は選択肢（未確定・達成・未達成）にありません"
    )


def test_field_value_reads_what_the_store_reads(secretariat):
    secretariat.save(
        next(r for r in secretariat.rows() if r.number == 10).id,
        {(2023, F.STATUS): "達成", (None, "resources"): ["kane", "hito"]},
    )
    no86 = next(r for r in secretariat.rows() if r.number == 86).id
    secretariat.save(no86, {(2024, "actual:No.86-2"): 0, (2024, "figure:No.86-4"): 93.1})
    secretariat.save(
        next(r for r in secretariat.rows() if r.number == 1).id, {(2024, F.ACTUAL): 12}
    )
    node_keys = {n.id: n.key for n in secretariat.nodes()}
    for m in [*secretariat.measures()[:12], *(m for m in secretariat.measures() if m.numeric)]:
        for field in F.MEASURE_FIELDS:
            assert field_value(m, field, node_key=node_keys[m.node_id]) == repo.read_field(
                m.id, field, None
            )
        for fy in (*secretariat.plan.years, 2099):
            for field in (*F.YEAR_FIELDS, *series_fields(m)):
                assert field_value(m, field, fy) == repo.read_field(m.id, field, fy), (
                    m.number,
                    fy,
                    field,
                )


def test_field_value_refuses_what_is_no_field():
    from kanazawa_desktop.domain.model import Measure

    m = Measure(
        id=1,
        key="k",
        plan_id=1,
        node_id=1,
        number=1,
        repeat_of=None,
        name="n",
        numeric=False,
        departments=("人事課",),
    )
    with pytest.raises(InvalidValue, match="年度が必要"):
        field_value(m, F.STATUS)
    with pytest.raises(InvalidValue, match="不明な項目"):
        field_value(m, "colour")
    assert field_value(m, F.STATUS, 2023) == "" and field_value(m, F.ACTUAL, 2023) is None


def test_entry_sheet_maps_columns_to_fields():
    row = ["No.10", "時差出勤", "人事課、総務課", "R5", "計画", "結果", "達成", 70.0, "12"]
    assert entry_sheet.row_key(row) == ("No.10", "R5")
    defs, digest = entry_sheet.locked_cells(row)
    assert defs == {
        "name": ("時差出勤", False),
        "departments": (["人事課", "総務課"], False),
        F.PLAN_TEXT: ("計画", False),
        F.TARGET: (70.0, False),
    }
    assert len(digest) >= 16
    assert entry_sheet.locked_cells(row[:7] + ["七十", "12"]) is None
    assert entry_sheet.input_cells(row) == {F.RESULT_TEXT: "結果", F.STATUS: "達成", F.ACTUAL: "12"}
    assert entry_sheet.where(5, F.STATUS) == "入力!G5（計画達成状況）"
    assert entry_sheet.as_text(70.0) == "70"


@pytest.mark.parametrize("field", ["departments", "related_plans", "resources"])
def test_a_list_field_given_a_bare_string_is_invalid_not_split_into_characters(field):
    with pytest.raises(InvalidValue) as err:
        validate(field, "総務課")  # was read as ["総", "務", "課"]
    assert err.value.data["field"] == field
    assert validate(field, ("総務課",)) == ["総務課"]
    assert validate(field, None) == validate(field, "") == []


def test_list_field_items_are_cleaned_like_text():
    """Items of 関連計画 and 担当課 kept control characters: saved, then every export was
    refused (関連計画に Excel に書き込めない制御文字が含まれています)."""
    assert validate("related_plans", ["計画\x01A\r\n二行目", "B\ufffe"]) == ["計画A\n二行目", "B"]
    assert validate("departments", ["人\x01事課", "総務\x0b課"]) == ["人事課", "総務 課"]


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        (0.1 + 0.2, 0.3),
        ("0.30000000000000004", 0.3),
        (123456789012345.67, 123456789012346.0),
        (-0.0, 0.0),
        (1e-300, 1e-300),
        ("98.45", 98.45),
    ],
)
def test_numbers_are_kept_with_excels_15_digits(value, kept):
    """More digits did not survive a workbook re-saved by LibreOffice (nor typing in Excel):
    the locked 目標値 then read as changed and the row was refused."""
    assert validate(F.TARGET, value) == validate(F.ACTUAL, value) == kept


def test_what_a_field_may_hold_fits_the_cell_the_export_writes_it_in():
    """A name of 32,767 characters, or 関連計画 / 担当課 items of that length together, were saved,
    then every export was refused (the 取組管理票 title adds the number and 【数値目標】; the items
    are joined into one cell): the save refuses them with the length instead."""
    name = "あ" * values.NAME_LIMIT
    assert validate("name", name) == name
    assert len(f"No.99999 {name}【数値目標】") <= EXCEL_CELL_LIMIT  # the 取組管理票's title
    with pytest.raises(InvalidValue) as err:
        validate("name", name + "あ")
    assert err.value.data["limit"] == values.NAME_LIMIT
    half = "い" * (EXCEL_CELL_LIMIT // 2)
    assert validate("related_plans", [half, half]) == [half, half]  # joined with one \n
    for field, sep in (("related_plans", "\n"), ("departments", "、")):
        with pytest.raises(InvalidValue) as err:
            validate(field, [half, half + "う"])
        assert err.value.data == {
            "field": field,
            "length": 2 * len(half) + 1 + len(sep),
            "limit": EXCEL_CELL_LIMIT,
        }
