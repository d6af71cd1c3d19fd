"""Domain rules: fiscal years, statuses, permissions, achievement, filtering."""

import pytest

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.achievement import derived_status, format_number, parse_number
from kanazawa_desktop.domain.filtering import MeasureFilter
from kanazawa_desktop.domain.fiscal import long_label, parse_label, short_label
from kanazawa_desktop.domain.model import MeasureRow
from kanazawa_desktop.domain.status import Status


def test_reiwa_labels_round_trip():
    assert short_label(2023) == "R5"
    assert long_label(2026) == "令和8年度"
    for fy in range(2019, 2040):
        assert parse_label(short_label(fy)) == fy
        assert parse_label(long_label(fy)) == fy
    assert parse_label("Ｒ５") == 2023
    assert parse_label("令和元年度") == 2019
    for bad in ("", "R", "2023", "平成5年度", "R0", "R5x"):
        with pytest.raises(ValueError):
            parse_label(bad)


def test_status_labels():
    assert Status.from_label("達成") is Status.ACHIEVED
    assert Status.from_label(" 未達成 ") is Status.NOT_ACHIEVED
    assert Status.from_label("") is Status.PENDING
    assert Status.from_label("未確定") is Status.PENDING
    with pytest.raises(ValueError):
        Status.from_label("ほぼ達成")


def test_department_may_edit_only_results_of_its_own_measures():
    jinji = F.Role(department="人事課")
    own = ("人事課", "デジタル行政戦略課")
    assert F.can_edit(jinji, own, F.RESULT_TEXT)
    assert F.can_edit(jinji, own, F.STATUS)
    assert F.can_edit(jinji, own, F.ACTUAL)
    assert not F.can_edit(jinji, own, F.PLAN_TEXT)
    assert not F.can_edit(jinji, own, F.TARGET)
    assert not F.can_edit(jinji, own, "summary")
    assert not F.can_edit(jinji, ("財政課",), F.RESULT_TEXT)
    assert not F.can_edit(jinji, own, F.RESULT_TEXT, is_repeat=True)
    assert not F.can_edit(jinji, own, F.RESULT_TEXT, retired=True)
    sec = F.Role()
    assert all(F.can_edit(sec, ("財政課",), f) for f in F.YEAR_FIELDS + F.MEASURE_FIELDS)


@pytest.mark.parametrize(
    "direction,target,actual,expected",
    [
        ("increase", 70, 71, Status.ACHIEVED),
        ("increase", 70, 70, Status.ACHIEVED),
        ("increase", 70, 69.9, Status.NOT_ACHIEVED),
        ("decrease", 144000, 143000, Status.ACHIEVED),
        ("at_most", 144000, 150000, Status.NOT_ACHIEVED),
        ("at_least", 98.5, 98.4, Status.NOT_ACHIEVED),
        ("increase", None, 3, Status.PENDING),
        ("decrease", 3, None, Status.PENDING),
    ],
)
def test_derived_achievement(direction, target, actual, expected):
    assert derived_status(direction, target, actual) is expected


def test_numbers():
    assert parse_number("1,800") == 1800
    assert parse_number("９８．５") == 98.5
    assert parse_number(" ") is None
    with pytest.raises(ValueError):
        parse_number("七十")
    assert format_number(70.0) == "70"
    assert format_number(98.5) == "98.5"
    assert format_number(None) == ""


def _row(**kw):
    base = dict(
        id=1,
        key="No.1",
        node_id=1,
        number=1,
        repeat_of=None,
        name="金沢MaaSの推進",
        numeric=False,
        departments=("交通政策課",),
        retired=False,
        position=0,
        statuses={2023: Status.ACHIEVED},
    )
    base.update(kw)
    return MeasureRow(**base)


def test_filter_text_is_width_and_case_insensitive():
    r = _row()
    assert MeasureFilter(text="maas").matches(r)
    assert MeasureFilter(text="ＭａａＳ　推進").matches(r)
    assert not MeasureFilter(text="ドローン").matches(r)
    assert MeasureFilter(text="ドローン").matches(r, haystack="ドローンを活用")
    assert MeasureFilter(text="No.1").matches(r)


def test_filter_department_year_status():
    r = _row()
    assert MeasureFilter(department="交通政策課").matches(r)
    assert not MeasureFilter(department="人事課").matches(r)
    assert MeasureFilter(fy=2023, status=Status.ACHIEVED).matches(r)
    assert not MeasureFilter(fy=2024, status=Status.ACHIEVED).matches(r)
    assert MeasureFilter(fy=2024, status=Status.PENDING).matches(r)
    assert MeasureFilter(status=Status.ACHIEVED).matches(r)


def test_format_value_reads_as_a_person_would():
    from kanazawa_desktop.domain.display import format_value

    assert format_value("status", "achieved") == "達成" and format_value("status", "") == "未確定"
    assert format_value("resources", ["hito", "joho"]) == "ヒト、情報"
    assert format_value("resources", [], blank="（空欄）") == "（空欄）"
    assert (
        format_value("node", "1-1-2", node_names={"1-1-2": "② スリムで機能的な組織への改編"})
        == "② スリムで機能的な組織への改編"
    )
    assert format_value("node", "9-9") == "9-9"  # unknown key: shown as is
    assert format_value("actual", 75.0) == "75" and format_value("retired", True) == "はい"
    assert format_value("related_plans", ["A計画", "B計画"]) == "A計画、B計画"


@pytest.mark.parametrize(
    "text",
    ["nan", "inf", "-inf", "1e400", "1_000", "1e3", "120名", "約120", "0x10", "1000000000000000"],
)
def test_parse_number_takes_plain_decimals_only(text):
    from kanazawa_desktop.domain.achievement import parse_number

    with pytest.raises(ValueError):
        parse_number(text)


def test_parse_number_reads_what_people_type():
    from kanazawa_desktop.domain.achievement import parse_number

    assert parse_number("１，２００．５") == 1200.5 and parse_number("-3") == -3.0
    assert parse_number(" 75 ") == 75.0 and parse_number("") is None and parse_number(".5") == 0.5


def test_departments_are_kept_once(secretariat):
    m = next(m for m in secretariat.measures() if m.number == 10)
    secretariat.save(
        m.id, {(None, "departments"): ["人事課", " 人事課 ", "デジタル行政戦略課", ""]}
    )
    assert secretariat.measure(m.id).departments == ("人事課", "デジタル行政戦略課")


def test_printed_numbers_have_thousands_separators():
    from kanazawa_desktop.domain.achievement import format_grouped

    assert format_grouped(1234567.891) == "1,234,567.891" and format_grouped(144000.0) == "144,000"
    assert format_grouped(-2500.0) == "-2,500" and format_grouped(98.5) == "98.5"
    assert format_grouped(None) == ""


def test_details_read_as_sections_in_the_plans_words():
    from kanazawa_desktop.domain.details import sections

    got = sections(
        {
            "projects": [
                {"text": "産後ケアの実施", "repeat": False},
                {"text": "子育てアプリ", "repeat": True},
            ],
            "achieved": ["約100手続きを電子申請可能に"],
            "actions": [
                {
                    "title": "電子契約の導入",
                    "version": "2.0",
                    "subs": ["物品契約"],
                    "years": {"2022": "導入"},
                }
            ],
            "kpi_repeats": ["KPI-1"],
            "note": "そのほか",
        }
    )
    assert got == [
        ("具体的な事業", ["・産後ケアの実施", "・子育てアプリ【再掲】"]),
        ("策定までの取組", ["・約100手続きを電子申請可能に"]),
        ("具体的な取組", ["・電子契約の導入〔2.0〕（R4 導入）\n　・物品契約"]),
        ("note", ["・そのほか"]),
    ]


def test_filter_unwritten_lists_results_still_to_write_for_a_year():
    assert MeasureFilter(unwritten=2024).matches(_row(written=frozenset({2023})))
    assert not MeasureFilter(unwritten=2023).matches(_row(written=frozenset({2023})))
    assert not MeasureFilter(unwritten=2024).matches(_row(repeat_of=3))  # its original's
    assert not MeasureFilter(unwritten=2024).matches(_row(retired=True))


def test_a_search_for_a_number_is_that_number():
    from kanazawa_desktop.domain.filtering import number_asked

    assert number_asked("10") == number_asked("No.10") == number_asked("ｎｏ．１０") == 10
    assert number_asked("No. 7") == 7
    assert (
        number_asked("10 窓口") is None
        and number_asked("") is None
        and number_asked("１０名") is None
    )
