"""Indicators and their judgement, with the seeds' own cases (issue 10)."""

from __future__ import annotations

import pytest

from kanazawa_desktop.domain.errors import InvalidValue
from kanazawa_desktop.domain.indicator import (
    Baseline,
    Better,
    Bound,
    Change,
    EndValue,
    Indicator,
    Limit,
    OutsideLimit,
    PeriodSum,
    ToBeSet,
    YearValue,
    editable_by_year,
    era_label,
    number_text,
    parse_era_year,
    parse_year_cell,
    year_cell,
)
from kanazawa_desktop.domain.judgement import Verdict, disagrees, judge, judge_all
from kanazawa_desktop.domain.quantity import off_scale, parse_quantity, percent_cell
from kanazawa_desktop.domain.status import Status

R5, R6, R7, R8, R9, R10 = 2023, 2024, 2025, 2026, 2027, 2028


def verdicts(ind, actuals, figures=None, years=(R5, R6, R7, R8)):
    return [judge(ind, y, actuals, figures).verdict.label for y in years]


# 000 No.1: 開発アプリ数 70/80/90/100件
NO1 = Indicator(
    "No.1",
    "開発アプリ数",
    "件",
    better=Better.MORE,
    targets=tuple(
        YearValue(y, v) for y, v in zip((R5, R6, R7, R8), (70, 80, 90, 100), strict=True)
    ),
)


def test_no1_a_value_per_year():
    assert verdicts(NO1, {R5: 72, R6: 79, R7: 90}) == ["達成", "未達成", "達成", "未入力"]
    assert judge(NO1, R6, {R6: 79}).reason == "目標 80件"
    assert NO1.target_text(R8) == "100件"


def test_no9_a_percentage_at_least_100_every_year():
    no9 = Indicator("No.9", "電子決裁率", "%", targets=(Limit(Bound.AT_LEAST, 100, R5, R8),))
    assert verdicts(no9, {R5: 100, R6: 99.9, R7: percent_cell(1.0)}) == [
        "達成",
        "未達成",
        "達成",
        "未入力",
    ]


def test_no33_a_number_only_for_r6_and_a_new_target_to_be_set():
    no33 = Indicator(
        "No.33",
        "ごみ総排出量",
        "t/年",
        better=Better.LESS,
        targets=(
            Limit(Bound.AT_MOST, 144000, R6, R6),
            ToBeSet("第7期ごみ処理基本計画で新たな目標を設定", R7, R8),
        ),
    )
    got = [judge(no33, y, {R5: 150000, R6: 143999.5, R7: 140000}) for y in (R5, R6, R7)]
    assert [j.verdict for j in got] == [Verdict.UNDECIDABLE, Verdict.ACHIEVED, Verdict.UNDECIDABLE]
    assert got[0].reason == "令和5年度の目標はありません"
    assert "新たな目標を設定" in got[2].reason
    assert judge(no33, R6, {R6: 144000.01}).verdict is Verdict.NOT_ACHIEVED


def test_no43_an_end_value_after_the_plan_ends():
    no43 = Indicator(
        "No.43", "町会加入世帯数", "世帯", better=Better.MORE, targets=(EndValue(R9, 146000),)
    )
    actuals = {R5: 140000, R6: 141000, R7: 146500}
    assert verdicts(no43, actuals) == ["判定不可", "判定不可", "達成", "未入力"]
    assert judge(no43, R5, actuals).reason == "目標年度（令和9年度）前です"
    assert judge(no43, R9, {R9: 145999}).verdict is Verdict.NOT_ACHIEVED
    assert no43.target_text(R5) == "146,000世帯（令和9年度末まで）"
    assert no43.target_text(R10) == ""


def test_no74_a_reduction_against_h25_by_r7():
    h25 = 2013
    no74 = Indicator(
        "No.74",
        "市有施設の温室効果ガス排出量",
        "t-CO2",
        better=Better.LESS,
        baseline=Baseline(100000, h25),
        targets=(Change(h25, -40, R7),),
    )
    assert no74.target_text(R5) == "H25比40%減"
    assert verdicts(no74, {R5: 70000, R6: 59000, R7: 60000.5}) == [
        "判定不可",
        "達成",
        "未達成",
        "判定不可",
    ]
    assert "60,000t-CO2" in judge(no74, R7, {R7: 60000.5}).reason
    no_base = Indicator("x", "x", "t", better=Better.LESS, targets=(Change(h25, -40, R7),))
    assert judge(no_base, R7, {R7: 1}).reason == "基準年度（H25）の値がありません"
    assert judge(no_base, R7, {R7: 1}).verdict is Verdict.UNDECIDABLE
    assert judge(no_base, R7, {2013: 80000, R7: 48000}).verdict is Verdict.ACHIEVED
    assert (
        judge(no74, R7, {2013: 80000, R7: 54000}).verdict is Verdict.ACHIEVED
    )  # the baseline wins


def _no86():
    span = (R5, R8)
    return [
        Indicator("No.86-1", "実質公債費比率", "%", targets=(Limit(Bound.UNDER, 10, *span),)),
        Indicator(
            "No.86-2",
            "実質赤字比率",
            "%",
            better=Better.LESS,
            targets=(Limit(Bound.AT_MOST, 0, *span),),
        ),
        Indicator("No.86-3", "将来負担比率", "%", targets=(Limit(Bound.UNDER, 100, *span),)),
        Indicator(
            "No.86-4",
            "経常収支比率",
            "%",
            targets=(OutsideLimit(Bound.AT_MOST, "中核市平均", *span),),
        ),
        Indicator(
            "No.86-5",
            "連結実質赤字比率",
            "%",
            better=Better.LESS,
            targets=(Limit(Bound.AT_MOST, 0, *span),),
        ),
    ]


def test_no86_five_indicators_one_bounded_by_an_outside_figure():
    five = _no86()
    actuals = {
        "No.86-1": {R5: 9.9},
        "No.86-2": {R5: 0},
        "No.86-3": {R5: 99.99},
        "No.86-4": {R5: 92.0},
        "No.86-5": {R5: 0},
    }
    no_figure = judge_all(five, R5, actuals)
    assert no_figure.verdict is Verdict.UNDECIDABLE and "中核市平均が未入力" in no_figure.reason
    figures = {"No.86-4": {R5: 93.1}}
    assert judge_all(five, R5, actuals, figures).verdict is Verdict.ACHIEVED
    actuals["No.86-1"][R5] = 10.0  # 10%未満: 10.0 misses
    missed = judge_all(five, R5, actuals, figures)
    assert missed.verdict is Verdict.NOT_ACHIEVED and missed.reason == "目標 10%未満"
    assert judge(five[3], R5, {R5: 93.2}, {R5: 93.1}).reason == "目標 中核市平均（93.1%）以下"
    assert judge_all(five, R6, actuals, figures).verdict is Verdict.MISSING


def test_maintain_a_level_over_a_span():
    kpi = Indicator(
        "KPI",
        "ボランティア登録者数",
        "人",
        targets=(Limit(Bound.AT_LEAST, 1000, R6, R10, maintain=True),),
    )
    assert kpi.target_text(R7) == "1,000人以上を維持"
    assert verdicts(kpi, {R5: 10, R6: 1000, R7: 999, R8: 1200}) == [
        "判定不可",
        "達成",
        "未達成",
        "達成",
    ]


def test_a_sum_over_the_period():
    kpi = Indicator(
        "KPI", "新規就農者数", "人", better=Better.MORE, targets=(PeriodSum(100, R6, R8),)
    )
    assert verdicts(kpi, {R6: 30, R7: 30, R8: 39}, years=(R6, R7, R8)) == [
        "判定不可",
        "判定不可",
        "未達成",
    ]
    assert verdicts(kpi, {R6: 30, R7: 30, R8: 40}, years=(R6, R7, R8))[-1] == "達成"
    assert verdicts(kpi, {R6: 60, R7: 50}, years=(R6, R7)) == ["判定不可", "達成"]  # reached early
    gap = judge(kpi, R8, {R6: 30, R8: 80})
    assert gap.verdict is Verdict.UNDECIDABLE and "令和7年度の実績が未入力" in gap.reason


def test_a_relative_change_with_its_absolute_equivalent():
    kpi = Indicator(
        "KPI",
        "オンライン申請件数",
        "件",
        better=Better.MORE,
        baseline=Baseline(100000, 2022),
        targets=(Change(2022, 10, R10, absolute=10000),),
    )
    assert kpi.target_text(R10) == "R4比10%増（10,000件増）"
    assert judge(kpi, R10, {R10: 110000}).verdict is Verdict.ACHIEVED
    assert judge(kpi, R10, {R10: 109999}).verdict is Verdict.NOT_ACHIEVED
    paper = Indicator(
        "KPI",
        "コピー用紙使用枚数",
        "枚",
        baseline=Baseline(12_000_000, 2022),
        targets=(Change(2022, -50, R10, absolute=-6_000_000),),
    )
    assert paper.target_text(R10) == "R4比50%減（6,000,000枚減）"
    assert judge(paper, R10, {R10: 6_000_000}).verdict is Verdict.ACHIEVED


def test_a_split_series_is_judged_per_category():
    one, two = (
        Indicator(
            f"KPI-{c}",
            "保育利用率",
            "%",
            better=Better.MORE,
            series="保育利用率",
            category=c,
            targets=(YearValue(R10, t),),
        )
        for c, t in (("1歳児", 60), ("2歳児", 70))
    )
    assert judge(one, R10, {R10: 61}).verdict is Verdict.ACHIEVED
    assert judge(two, R10, {R10: 61}).verdict is Verdict.NOT_ACHIEVED


def test_a_value_target_needs_a_direction():
    with pytest.raises(ValueError, match="direction"):
        Indicator("x", "x", "件", targets=(YearValue(R5, 1),))


def test_the_warning_where_the_chosen_status_disagrees():
    met, missed = judge(NO1, R5, {R5: 70}), judge(NO1, R5, {R5: 69})
    assert disagrees(missed, Status.ACHIEVED) and disagrees(met, Status.NOT_ACHIEVED)
    assert not disagrees(met, Status.ACHIEVED) and not disagrees(missed, Status.PENDING)
    assert not disagrees(judge(NO1, R5, {}), Status.ACHIEVED)  # 未入力: nothing to disagree with


@pytest.mark.parametrize(
    "text, unit, value",
    [
        ("98.45", "%", 98.45),
        ("98.45%", "%", 98.45),
        ("９８．４５％", "%", 98.45),
        ("98.45 %", "%", 98.45),
        ("72件", "件", 72.0),
        ("1,000人", "人", 1000.0),
        ("3.5万人", "万人", 3.5),
        ("144,000t/年", "t/年", 144000.0),
        ("12千t-CO₂", "千t-CO₂", 12.0),
        ("▲1.5", "%", -1.5),
        ("", "件", None),
        ("  ", "%", None),
    ],
)
def test_numbers_typed_bare_or_with_their_own_unit(text, unit, value):
    assert parse_quantity(text, unit) == value


@pytest.mark.parametrize(
    "text, unit, words",
    [
        ("72人", "件", "単位「人」はこの指標の単位（件）と違います"),
        ("98.45%", "件", "単位「%」"),
        ("35000人", "万人", "単位「人」"),
        ("72件", "", "単位がありません"),
        ("七十二", "件", "数値として読めません"),
        ("12,34", "件", "数値として読めません"),
        ("1e400", "件", "数値として読めません"),
        ("9" * 20, "件", "大きすぎます"),
    ],
)
def test_anything_else_is_refused_with_the_reason(text, unit, words):
    with pytest.raises(InvalidValue, match=words):
        parse_quantity(text, unit)


def test_percent_cells_and_values_100_times_off():
    assert percent_cell(0.9845) == 98.45 and percent_cell(0.983) == 98.3
    assert off_scale(0.9845, [98.3]) and off_scale(9845, [98.3])
    assert not off_scale(97.0, [98.3]) and not off_scale(0, [98.3]) and not off_scale(5, [None])
    assert (
        number_text(0.1 + 0.2) == "0.3"
        and number_text(146000) == "146,000"
        and number_text(-1.5) == "-1.5"
    )


def test_every_target_kind_goes_to_plain_data_and_back():
    from kanazawa_desktop.domain.indicator import indicator_from_dict, indicator_to_dict

    every = Indicator(
        "KPI",
        "x",
        "件",
        better=Better.MORE,
        baseline=Baseline(5, 2022, cumulative=True),
        targets=(
            YearValue(R5, 1),
            EndValue(R9, 2),
            Limit(Bound.OVER, 3, R5, R6, maintain=True),
            PeriodSum(4, R6, R8),
            Change(2013, -40, R7, absolute=-3.5),
            OutsideLimit(Bound.AT_MOST, "中核市平均", R5, R8),
            ToBeSet("次期計画", R7, R8),
        ),
        series="s",
        category="c",
        note="n",
    )
    assert indicator_from_dict(indicator_to_dict(every)) == every
    import json

    assert indicator_from_dict(json.loads(json.dumps(indicator_to_dict(every)))) == every


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "nope"},
        {"kind": "year", "year": 2023},
        {"kind": "year", "year": "2023", "value": 1},
        {"kind": "year", "year": 2023, "value": True},
        {"kind": "limit", "bound": "about", "value": 1, "first": 2023, "last": 2023},
        {"kind": "year", "year": 2023, "value": 1, "x": 1},
    ],
)
def test_bad_target_data_is_refused(bad):
    from kanazawa_desktop.domain.indicator import target_from_dict

    with pytest.raises(ValueError):
        target_from_dict(bad)


def test_a_target_or_actual_is_validated_with_the_measures_unit():
    from kanazawa_desktop.domain.values import validate

    assert validate("actual", "９８．４５％", unit="%") == 98.45
    assert validate("target", "1,800件", unit="件") == 1800.0
    assert validate("actual", " ", unit="件") is None
    with pytest.raises(InvalidValue, match="実績値: 単位「人」はこの指標の単位（件）と違います"):
        validate("actual", "72人", unit="件")
    with pytest.raises(InvalidValue, match="単位は付けません"):
        validate("actual", "72件")  # a measure without an indicator: digits only, as before


@pytest.mark.parametrize(
    "text, target",
    [
        ("70", YearValue(2023, 70)),
        ("１，８００", YearValue(2023, 1800)),
        ("100以上", Limit(Bound.AT_LEAST, 100, 2023, 2023)),
        ("10 未満", Limit(Bound.UNDER, 10, 2023, 2023)),
        ("0以下", Limit(Bound.AT_MOST, 0, 2023, 2023)),
        ("5超", Limit(Bound.OVER, 5, 2023, 2023)),
        ("中核市平均以下", OutsideLimit(Bound.AT_MOST, "中核市平均", 2023, 2023)),
        ("", None),
    ],
)
def test_a_year_cell_reads_as_the_target_it_says(text, target):
    assert parse_year_cell(text, 2023) == target
    if target is not None:  # and shows back as typed (without the separators)
        ind = Indicator("k", "n", "件", better=Better.MORE, targets=(target,))
        assert parse_year_cell(year_cell(ind, 2023), 2023) == target


@pytest.mark.parametrize("text", ["たくさん", "以上", "70件以上にする", "70件以上", "７０件"])
def test_a_year_cell_that_says_no_target_is_refused_with_the_reason(text):
    with pytest.raises(ValueError, match="読めません"):
        parse_year_cell(text, 2023)


def test_only_targets_stated_year_by_year_are_edited_by_year():
    assert editable_by_year(NO1)
    no43 = Indicator("No.43", "世帯", "世帯", better=Better.MORE, targets=(EndValue(2027, 146000),))
    assert not editable_by_year(no43)


@pytest.mark.parametrize(
    "text, year",
    [
        ("R4", 2022),
        ("令和4年度", 2022),
        ("H25", 2013),
        ("平成25年度", 2013),
        ("２０２２", 2022),
        ("", None),
    ],
)
def test_a_base_year_reads_in_the_plans_own_words(text, year):
    assert parse_era_year(text) == year
    if year is not None:
        assert parse_era_year(era_label(year)) == year


@pytest.mark.parametrize("text", ["去年", "R", "H", "22"])
def test_a_base_year_that_is_none_is_refused(text):
    with pytest.raises(ValueError, match="読めません"):
        parse_era_year(text)


def test_a_base_year_before_reiwa_is_named_in_heisei():
    from kanazawa_desktop.domain.fiscal import long_label, short_label

    assert (long_label(2013), short_label(2013)) == ("平成25年度", "H25")
    assert (long_label(2019), short_label(2019)) == ("令和1年度", "R1")
    assert Baseline(3537, 2013).describe("千t-CO₂") == "3,537千t-CO₂（平成25年度）"
