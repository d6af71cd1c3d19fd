"""`indicators` in a child process: the TSV, its header, its scope and its refusals."""

from __future__ import annotations

import pytest
from conftest import run_cli

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.indicator import indicator_to_dict
from kanazawa_desktop.domain.values import actual_field
from kanazawa_desktop.services.desk import Desk

HEADER = [
    "番号",
    "指標名",
    "単位",
    "基準値",
    "基準年度",
    "年度",
    "目標値",
    "実績値",
    "判定",
    "所属",
]


@pytest.fixture(scope="module")
def city_db(tmp_path_factory):
    """The secretariat's database with No.86's R5 values entered (one of them above its
    bound) and No.86-5 renamed to a name holding a tab and a line break."""
    db = tmp_path_factory.mktemp("ind") / "db.sqlite3"
    assert run_cli("--db", str(db), "init", "--secretariat").returncode == 0
    with Desk.open(db, create=False) as desk:
        m = next(m for m in desk.measures() if m.number == 86)
        values = dict(zip([i.key for i in m.indicators], (7.5, 0, 20.1, 95.2, 1234.5), strict=True))
        edits = {(2023, actual_field(m, k)): v for k, v in values.items()}
        edits[(2023, F.series_field(F.FIGURE, "No.86-4"))] = 93.1
        defs = [indicator_to_dict(i) for i in m.indicators]
        defs[4]["name"] = "連結実質\t赤字\n比率"
        defs[0]["baseline"] = {"value": 8.25, "year": 2021}
        edits[(None, "indicators")] = defs
        desk.save(m.id, edits)
        desk.use_plan("sogo_senryaku_3")
        goal = next(i for g in desk.plan_indicators() for i in g.items)
        desk.save_plan_indicators({(goal.id, 2024, F.ACTUAL): 52.5})
    return db


def table(out: str) -> list[list[str]]:
    lines = out.split("\n")
    assert lines[-1] == ""  # every line ends with a newline, nothing after the last
    return [line.split("\t") for line in lines[:-1]]


def test_header_then_one_line_of_ten_cells_per_indicator_and_year(city_db):
    out = run_cli("--db", str(city_db), "indicators")
    assert out.returncode == 0, out.stderr
    rows = table(out.stdout)
    assert rows[0] == HEADER
    assert all(len(r) == 10 for r in rows)
    assert rows[1][:3] == ["No.1", "開発アプリ数", "件"] and rows[1][5:7] == ["R5", "70件"]
    assert rows[1][9] == "No.1"  # 所属: the measure
    with Desk.open(city_db, create=False) as desk:
        count = sum(len(m.indicators) for m in desk.measures() if not m.retired)
    assert len(rows) == 1 + 4 * count


def test_values_targets_and_verdicts_of_no86(city_db):
    out = run_cli("--db", str(city_db), "indicators", "--department", "財政課")
    assert out.returncode == 0, out.stderr
    rows = table(out.stdout)
    assert rows[0] == HEADER and len(rows) == 1 + 5 * 4
    by = {(r[0], r[5]): r for r in rows[1:]}
    assert by[("No.86-1", "R5")] == [
        "No.86-1",
        "実質公債費比率",
        "%",
        "8.25",
        "R3",
        "R5",
        "10%未満",
        "7.5",
        "達成",
        "No.86",
    ]
    assert by[("No.86-1", "R6")][3:9] == ["8.25", "R3", "R6", "10%未満", "", "未入力"]
    assert by[("No.86-4", "R5")][6:9] == ["中核市平均以下", "95.2", "未達成"]
    assert by[("No.86-4", "R6")][3:5] == ["", ""]  # no baseline: empty cells
    assert by[("No.86-5", "R5")][7:] == ["1,234.5", "未達成", "No.86"]


def test_a_tab_or_line_break_in_a_value_becomes_a_space(city_db):
    out = run_cli("--db", str(city_db), "indicators", "--department", "財政課")
    rows = table(out.stdout)
    names = {r[0]: r[1] for r in rows[1:]}
    assert names["No.86-5"] == "連結実質 赤字 比率"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--plan", "no_such_plan"), ("no_such_plan", "gyosei_keiei")),
        (("--department", "財政部"), ("財政部", "財政課")),
    ],
)
def test_unknown_plan_or_department_is_one_line_exit_2(city_db, args, words):
    out = run_cli("--db", str(city_db), "indicators", *args)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("kanazawa-desktop: エラー: ")
    assert all(w in out.stderr for w in words)


def test_the_plan_by_its_code_and_a_missing_database(city_db, tmp_path):
    out = run_cli("--db", str(city_db), "indicators", "--plan", "gyosei_keiei")
    assert out.returncode == 0 and table(out.stdout)[0] == HEADER
    missing = run_cli("--db", str(tmp_path / "none.sqlite3"), "indicators")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert not (tmp_path / "none.sqlite3").exists()


def test_the_plans_own_indicators_come_first_with_their_owner(city_db):
    out = run_cli("--db", str(city_db), "indicators", "--plan", "総合戦略")
    assert out.returncode == 0, out.stderr
    rows = table(out.stdout)
    assert rows[0] == HEADER and all(len(r) == 10 for r in rows)
    goals = [r for r in rows[1:] if r[0].startswith("GOAL-")]
    assert rows[1 : 1 + len(goals)] == goals and len(goals) == 8 * 5  # 8 goals, R6-R10
    assert rows[1] == [
        "GOAL-1-1",
        "子どもを産み育てやすい環境が整っていると感じる市民の割合",
        "%",
        "47.5",
        "R5",
        "R6",
        "59%（令和10年度末まで）",
        "52.5",
        "判定不可",
        "基本目標1",
    ]
    assert {r[9] for r in goals} == {f"基本目標{n}" for n in (1, 2, 3, 4)}
    digital = table(run_cli("--db", str(city_db), "indicators", "--plan", "digital_2").stdout)
    assert [r[9] for r in digital[1:7]] == ["計画全体"] * 6 and digital[1][0] == "KPI-3"
    # a department holds none of them
    dept = run_cli(
        "--db", str(city_db), "indicators", "--plan", "総合戦略", "--department", "財政課"
    )
    assert dept.returncode == 0 and not any(r[0].startswith("GOAL-") for r in table(dept.stdout))
