"""The text forms of a plan workbook: every target kind and baseline is written as a line a
person can type and read back as the same value; what cannot be read says why."""

from __future__ import annotations

import pytest

from kanazawa_desktop.domain.indicator import (
    Baseline,
    Bound,
    Change,
    EndValue,
    Limit,
    OutsideLimit,
    PeriodSum,
    ToBeSet,
    YearValue,
)
from kanazawa_desktop.workbook import plan_text as pt

TARGETS = [
    (YearValue(2027, 70), "R9 70"),
    (EndValue(2027, 146000), "R9末 146000"),
    (Limit(Bound.UNDER, 10, 2023, 2026), "R5～R8 10未満"),
    (Limit(Bound.AT_LEAST, 1000, 2024, 2028, maintain=True), "R6～R10 1000以上を維持"),
    (PeriodSum(5000, 2024, 2028), "R6～R10 合計 5000"),
    (Change(2013, -40, 2025), "R7末 H25比 -40%"),
    (
        Change(2022, 10, 2028, base_value=98.45, absolute=10000),
        "R10末 R4比 +10% 基準値 98.45 実数 10000",
    ),
    (OutsideLimit(Bound.AT_MOST, "中核市平均", 2023, 2026), "R5～R8 中核市平均以下"),
    (ToBeSet("次期計画で設定", 2025, 2026), "R7～R8 未設定 次期計画で設定"),
    (ToBeSet("", 2025, 2025), "R7 未設定"),
]


@pytest.mark.parametrize("target, line", TARGETS, ids=[line for _, line in TARGETS])
def test_each_target_kind_is_one_line_and_back(target, line):
    assert pt.target_line(target) == line
    assert pt.parse_target_line(line) == target


@pytest.mark.parametrize(
    "line, target",
    [
        ("令和9年度末 146,000", EndValue(2027, 146000)),
        ("2024〜2028  合計 5000", PeriodSum(5000, 2024, 2028)),
        ("Ｒ７末 平成25年度比 －40％", Change(2013, -40, 2025)),
    ],
)
def test_lines_are_read_as_people_type_them(line, target):
    assert pt.parse_target_line(line) == target


@pytest.mark.parametrize(
    "line, says",
    [
        ("146000", "読めません"),
        ("R9 たくさん", "読めません"),
        ("R10～R9 5以上", "終わりが始まりより前"),
        ("R6～R9末 5", "「末」は1つの年度にだけ"),
        ("R6～R9 70", "読めません"),  # a plain value belongs to one year
        ("R9末 H25比 四割%", "数値ではありません"),
    ],
)
def test_an_unreadable_line_says_why(line, says):
    with pytest.raises(ValueError, match=says):
        pt.parse_target_line(line)


@pytest.mark.parametrize(
    "baseline, text",
    [
        (Baseline(), ""),
        (Baseline(value=11), "11"),
        (Baseline(value=11, year=2023), "11（R5）"),
        (Baseline(starts=2023), "R5開始"),
        (Baseline(value=1200.5, year=2022, starts=2024), "1200.5（R4） R6開始"),
    ],
)
def test_baselines_round_trip(baseline, text):
    assert pt.baseline_text(baseline) == text
    assert pt.parse_baseline(text, cumulative=False) == baseline


def test_a_baseline_that_is_not_a_number_says_so():
    with pytest.raises(ValueError, match="基準値「約10」が数値ではありません"):
        pt.parse_baseline("約10", cumulative=False)
