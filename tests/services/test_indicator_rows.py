"""services.indicators: the plan's indicators as rows (indicator × fiscal year)."""

from __future__ import annotations

import pytest

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.errors import InvalidValue
from kanazawa_desktop.domain.judgement import Verdict
from kanazawa_desktop.domain.status import Status
from kanazawa_desktop.domain.values import actual_field
from kanazawa_desktop.services.indicators import indicator_rows

NO86 = ("No.86-1", "No.86-2", "No.86-3", "No.86-4", "No.86-5")


def _measure(desk, number):
    return next(m for m in desk.measures() if m.number == number)


def enter_no86(desk, fy=2023, values=(7.5, 0, 20.1, 95.2, 0), average=93.1, status="achieved"):
    """No.86's five actuals, the 中核市平均 of No.86-4 and a chosen status, as the form saves them."""
    m = _measure(desk, 86)
    edits = {(fy, actual_field(m, key)): v for key, v in zip(NO86, values, strict=True)}
    edits[(fy, F.series_field(F.FIGURE, "No.86-4"))] = average
    edits[(fy, F.STATUS)] = status
    desk.save(m.id, edits)
    return m


def test_one_row_per_indicator_and_year_in_printed_order(secretariat):
    rows = indicator_rows(secretariat)
    years = secretariat.plan.years
    numbered = [m for m in secretariat.measures() if m.indicators and not m.retired]
    assert len(rows) == sum(len(m.indicators) for m in numbered) * len(years)
    assert [r.key for r in rows[:5]] == ["No.1"] * 4 + ["No.9"]
    assert [r.fy for r in rows[:4]] == list(years)
    keys = list(dict.fromkeys(r.key for r in rows))
    assert keys[keys.index("No.86-1") : keys.index("No.86-1") + 5] == list(NO86)


def test_rows_carry_target_actual_verdict_and_the_chosen_status(secretariat):
    enter_no86(secretariat)
    rows = {(r.key, r.fy): r for r in indicator_rows(secretariat, department="財政課")}
    assert {k for k, _ in rows} == set(NO86)
    first = rows[("No.86-1", 2023)]
    assert (first.name, first.unit, first.target, first.actual) == (
        "実質公債費比率",
        "%",
        "10%未満",
        7.5,
    )
    assert first.judgement.verdict is Verdict.ACHIEVED and not first.disagrees
    avg = rows[("No.86-4", 2023)]
    assert avg.figure == 93.1 and avg.target == "中核市平均以下"
    assert avg.judgement.verdict is Verdict.NOT_ACHIEVED  # 95.2 is above the average
    assert avg.status is Status.ACHIEVED and avg.disagrees
    later = rows[("No.86-1", 2024)]
    assert later.actual is None and later.judgement.verdict is Verdict.MISSING


def test_department_keeps_only_its_measures(secretariat):
    rows = indicator_rows(secretariat, department="財政課")
    assert {r.measure_label for r in rows} == {"No.86"}
    held = {
        m.number_label
        for m in secretariat.measures()
        if m.indicators and "人事課" in m.departments and not m.retired
    }
    assert {r.measure_label for r in indicator_rows(secretariat, department="人事課")} == held


def test_plan_by_its_code(secretariat):
    code = secretariat.plan.code
    assert indicator_rows(secretariat, plan=code) == indicator_rows(secretariat)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"plan": "no_such_plan"}, ("no_such_plan", "gyosei_keiei")),
        ({"department": "人事部"}, ("人事部", "人事課")),
    ],
)
def test_unknown_plan_or_department_names_the_valid_ones(secretariat, kwargs, words):
    with pytest.raises(InvalidValue) as err:
        indicator_rows(secretariat, **kwargs)
    assert all(w in err.value.message for w in words)
