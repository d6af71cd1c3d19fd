"""services.dashboard: the 見える化 numbers against a database set up through the desk."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.dashboard import OVERALL, target_shapes, tsv
from kanazawa_desktop.domain.errors import InvalidValue
from kanazawa_desktop.domain.fiscal import current_fiscal_year, fiscal_year_of
from kanazawa_desktop.domain.indicator import (
    Better,
    Bound,
    Change,
    EndValue,
    Indicator,
    Limit,
    PeriodSum,
    YearValue,
)
from kanazawa_desktop.services.dashboard import dashboard, write_csv
from kanazawa_desktop.services.indicators import indicator_rows

TODAY = date(2026, 11, 30)  # FY2026 = R8


def _by_number(desk, number):
    return next(m for m in desk.measures() if m.number == number and not m.is_repeat)


def _group(groups, label):
    return next(g for g in groups if g.label == label)


def _top_label(desk, measure):
    nodes = {n.id: n for n in desk.nodes()}
    n = nodes[measure.node_id]
    while n.parent_id is not None:
        n = nodes[n.parent_id]
    return n.label


def test_status_counts_and_rate_per_policy_and_year(secretariat):
    desk = secretariat
    one, two, three = (_by_number(desk, n) for n in (1, 2, 3))
    desk.save(one.id, {(2024, F.STATUS): "achieved", (2025, F.STATUS): "achieved"})
    desk.save(two.id, {(2024, F.STATUS): "not_achieved"})
    desk.save(three.id, {(2024, F.STATUS): "achieved"})
    board = dashboard(desk, today=TODAY)
    assert [g.label for g in board.status] == [OVERALL, "方針1", "方針2", "方針3"]
    counted = [m for m in desk.measures() if not m.is_repeat and not m.retired]
    total = board.status[0].bars[2024]
    assert (total.count("achieved"), total.count("not_achieved"), total.count("")) == (
        2,
        1,
        len(counted) - 3,
    )
    assert total.rate == pytest.approx(2 / 3)
    assert board.status[0].bars[2023].rate is None  # nothing decided yet: no rate, not 0%
    policy = _top_label(desk, one)
    assert policy == _top_label(desk, two) == _top_label(desk, three)
    bar = _group(board.status, policy).bars[2024]
    held = [m for m in counted if _top_label(desk, m) == policy]
    assert (bar.count("achieved"), bar.count("not_achieved"), bar.total) == (2, 1, len(held))
    seg = next(s for s in bar.segments if s.key == "not_achieved")
    assert [i.measure_id for i in board.items(seg)] == [two.id]
    assert board.items(seg)[0].label.startswith("No.2 ")


def test_retired_and_repeated_measures_are_not_counted(secretariat):
    desk = secretariat
    before = dashboard(desk, today=TODAY).status[0].bars[2023].total
    assert before == sum(1 for m in desk.measures() if not m.is_repeat)
    m = _by_number(desk, 5)
    desk.save(m.id, {(2023, F.STATUS): "achieved"})
    desk.save(m.id, {(None, "retired"): True})
    after = dashboard(desk, today=TODAY).status[0].bars[2023]
    assert after.total == before - 1 and after.count("achieved") == 0


@pytest.mark.parametrize("plan", ["gyosei_keiei", "sogo_senryaku_3", "digital_2"])
def test_indicator_verdicts_count_as_indicator_rows_judge(secretariat, plan):
    desk = secretariat
    desk.use_plan(plan)
    if plan == "gyosei_keiei":
        m = _by_number(desk, 86)
        desk.save(m.id, {(2023, "actual"): 7.5, (2024, "actual"): 12})
    board = dashboard(desk, today=TODAY)
    rows = indicator_rows(desk)
    expected = Counter((r.fy, r.judgement.verdict.value) for r in rows)
    overall = board.status[0], board.verdicts[0]
    got = Counter(
        {(fy, s.key): s.count for fy, bar in overall[1].bars.items() for s in bar.segments}
    )
    assert +got == +expected
    assert len(board.indicators) * len(desk.plan.years) == len(rows)
    if plan == "gyosei_keiei":
        assert got[(2023, "achieved")] >= 1 and got[(2024, "not_achieved")] >= 1
    # each indicator counts under the level-1 node of its measure (or its 基本目標)
    per_node = sum(g.bars[desk.plan.years[0]].total for g in board.verdicts[1:])
    plan_wide = sum(1 for r in rows if r.owner == "計画全体" and r.fy == desk.plan.years[0])
    assert per_node + plan_wide == board.verdicts[0].bars[desk.plan.years[0]].total


def test_current_fiscal_year_from_an_injected_date():
    assert fiscal_year_of(date(2026, 11, 30)) == 2026
    assert fiscal_year_of(date(2027, 3, 31)) == 2026
    assert fiscal_year_of(date(2026, 4, 1)) == 2026
    years = (2023, 2024, 2025, 2026)
    assert current_fiscal_year(years, date(2025, 3, 31)) == 2024
    assert current_fiscal_year(years, date(2030, 6, 1)) == 2026  # the plan is over: its last
    assert current_fiscal_year(years, date(2020, 6, 1)) == 2023  # before it starts: its first


def test_the_dashboard_year_is_today_clamped_to_the_plan(secretariat):
    assert dashboard(secretariat, today=date(2025, 2, 1)).current_fy == 2024
    assert dashboard(secretariat, today=date(2031, 2, 1)).current_fy == 2026
    secretariat.use_plan("digital_2")  # R3–R4: over by 2026
    assert dashboard(secretariat, today=TODAY).current_fy == 2022
    with pytest.raises(InvalidValue, match="期間外"):
        dashboard(secretariat, year=2030)


def test_results_still_to_write_per_department(secretariat):
    desk = secretariat
    mine = [m for m in desk.measures() if "人事課" in m.departments and not m.is_repeat]
    desk.save(mine[0].id, {(2026, F.RESULT_TEXT): "研修を実施した"})
    board = dashboard(desk, today=TODAY)
    load = next(d for d in board.departments if d.department == "人事課")
    assert (load.held, len(load.to_write)) == (len(mine), len(mine) - 1)
    assert mine[0].id not in load.to_write
    counts = [len(d.to_write) for d in board.departments]
    assert counts == sorted(counts, reverse=True)  # most to write first
    earlier = dashboard(desk, today=TODAY, year=2025)
    assert len(next(d for d in earlier.departments if d.department == "人事課").to_write) == len(
        mine
    )


def test_a_department_sees_its_own_measures(jinji):
    board = dashboard(jinji, today=TODAY)
    assert [d.department for d in board.departments] == ["人事課"]
    mine = [m for m in jinji.measures() if "人事課" in m.departments and not m.is_repeat]
    assert board.status[0].bars[2026].total == len(mine)
    assert board.collection is None  # 回収状況 is the secretariat's


def test_collection_counts_for_the_secretariat(secretariat):
    board = dashboard(secretariat, today=TODAY)
    assert board.collection is not None
    held = {d for m in secretariat.measures() if not m.is_repeat for d in m.departments}
    assert board.collection.count("未配布") == len(held) == board.collection.total
    seg = next(s for s in board.collection.segments if s.key == "未配布")
    assert {i.label for i in board.items(seg)} == held


def test_tables_and_csv_hold_the_numbers(secretariat, tmp_path):
    desk = secretariat
    desk.save(_by_number(desk, 1).id, {(2024, F.STATUS): "achieved"})
    board = dashboard(desk, today=TODAY)
    first = board.tables()[0]
    assert first.header == ("方針", "年度", "達成", "未達成", "未確定", "計", "達成率")
    row = next(r for r in first.rows if r[:2] == ("全体", "R6"))
    assert row[2] == "1" and row[-1] == "100.0%"
    text = tsv(board.tables())
    lines = text.splitlines()
    assert lines[0] == first.title and lines[1] == "\t".join(first.header)
    assert "回収状況" in text and "人事課" in text
    out = tmp_path / "見える化.csv"
    write_csv(out, board.tables())
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert "全体,R6,1," in raw.decode("utf-8-sig")


def test_target_shapes_by_kind():
    ind = Indicator(
        key="K",
        name="n",
        unit="件",
        better=Better.MORE,
        targets=(
            YearValue(2023, 10),
            YearValue(2024, 20),
            Limit(Bound.AT_LEAST, 5, 2023, 2026),
            EndValue(2027, 40),
            Change(2022, 10, 2026, base_value=100),
            PeriodSum(100, 2023, 2026),
        ),
    )
    shapes = target_shapes(ind, (2023, 2024, 2025, 2026))
    assert [s.kind for s in shapes] == ["line", "band", "point", "point", "note"]
    assert shapes[0].points == ((2023, 10), (2024, 20))
    assert shapes[1].side == "above" and shapes[1].points == ((2023, 5), (2026, 5))
    assert shapes[2].points == ((2027, 40),)  # after the plan's last year
    assert shapes[3].points == ((2026, pytest.approx(110)),)
