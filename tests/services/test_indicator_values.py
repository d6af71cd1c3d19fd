"""Indicator actuals and outside figures through the Desk: saved with their indicator's unit,
recorded, undone and redone like every field; a department enters only its own."""

from __future__ import annotations

import pytest

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.errors import InvalidValue, PermissionDenied
from kanazawa_desktop.domain.judgement import Verdict, of_indicator, of_measure
from kanazawa_desktop.services.desk import Desk


def _m(desk, key):
    return next(m for m in desk.measures() if m.key == key)


def test_each_indicator_of_no86_is_its_own_field_with_its_unit(secretariat):
    no86 = _m(secretariat, "No.86")
    secretariat.save(
        no86.id,
        {
            (2023, F.ACTUAL): "9.8%",  # the first one keeps the plain name
            (2023, "actual:No.86-4"): "９５．２％",
            (2023, "figure:No.86-4"): 93.1,
        },
    )
    m = _m(secretariat, "No.86")
    assert m.actuals == {"No.86-1": {2023: 9.8}, "No.86-4": {2023: 95.2}}
    assert m.figures == {"No.86-4": {2023: 93.1}}
    assert m.year(2023).actual == 9.8  # the 入力 sheet's 実績値 is the first indicator's
    assert of_indicator(m, m.indicators[3], 2023).verdict is Verdict.NOT_ACHIEVED
    # one missed is enough for the whole, though three are still to enter
    assert of_measure(m, 2023).verdict is Verdict.NOT_ACHIEVED
    with pytest.raises(InvalidValue, match="単位"):
        secretariat.save(no86.id, {(2024, "actual:No.86-2"): "3件"})
    with pytest.raises(InvalidValue):
        secretariat.save(no86.id, {(2024, "actual:No.99-1"): 1})  # no such indicator
    history = {(h.field, h.new) for h in secretariat.history(no86.id)}
    assert {("actual", 9.8), ("actual:No.86-4", 95.2), ("figure:No.86-4", 93.1)} <= history


def test_undo_and_redo_restore_indicator_values(secretariat):
    no86 = _m(secretariat, "No.86")
    secretariat.save(no86.id, {(2024, "actual:No.86-3"): 50})
    secretariat.save(no86.id, {(2024, "actual:No.86-3"): 55, (2024, "figure:No.86-4"): 90})
    secretariat.undo()
    m = _m(secretariat, "No.86")
    assert m.actuals["No.86-3"][2024] == 50 and "No.86-4" not in m.figures
    secretariat.redo()
    m = _m(secretariat, "No.86")
    assert m.actuals["No.86-3"][2024] == 55 and m.figures["No.86-4"][2024] == 90


def test_a_department_enters_only_its_own_indicators(tmp_path):
    with Desk.open(tmp_path / "d.sqlite3") as desk:
        desk.set_role(department="財政課")
        no86 = _m(desk, "No.86")
        desk.save(no86.id, {(2023, "actual:No.86-5"): 0, (2023, "figure:No.86-4"): 93.1})
        no1 = _m(desk, "No.1")  # デジタル行政戦略課's
        with pytest.raises(PermissionDenied):
            desk.save(no1.id, {(2023, F.ACTUAL): 70})
        with pytest.raises(PermissionDenied):
            desk.save(no86.id, {(None, "indicators"): []})  # definitions are the secretariat's


def test_the_secretariat_changes_a_definition_and_values_of_kept_indicators_stay(secretariat):
    no86 = _m(secretariat, "No.86")
    secretariat.save(no86.id, {(2023, "actual:No.86-2"): 0})
    current = list(secretariat.measure(no86.id).indicators)
    from kanazawa_desktop.domain.indicator import indicator_to_dict

    kept = [indicator_to_dict(i) for i in current[:2]]
    kept[1]["name"] = "実質赤字比率（普通会計）"
    secretariat.save(no86.id, {(None, "indicators"): kept})
    m = secretariat.measure(no86.id)
    assert [i.key for i in m.indicators] == ["No.86-1", "No.86-2"]
    assert m.indicators[1].name == "実質赤字比率（普通会計）"
    assert m.actuals == {"No.86-2": {2023: 0.0}}
    secretariat.undo()  # the three removed come back with their definitions
    assert len(secretariat.measure(no86.id).indicators) == 5


def test_each_indicator_takes_its_own_unit(secretariat):
    from kanazawa_desktop.domain.indicator import indicator_to_dict, legacy_indicator

    no86 = _m(secretariat, "No.86")
    counted = legacy_indicator("No.86-6", "健全化判断の説明会", "回", "increase", False, "", {})
    defs = [indicator_to_dict(i) for i in (*no86.indicators, counted)]
    secretariat.save(no86.id, {(None, "indicators"): defs})
    secretariat.save(no86.id, {(2023, "actual:No.86-6"): "3回", (2023, "actual:No.86-2"): "0%"})
    m = _m(secretariat, "No.86")
    assert (m.actuals["No.86-6"][2023], m.actuals["No.86-2"][2023]) == (3.0, 0.0)
    with pytest.raises(InvalidValue, match="単位"):
        secretariat.save(no86.id, {(2024, "actual:No.86-6"): "3%"})
