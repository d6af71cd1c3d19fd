"""`plans` and `--plan`: the plans listed, and a command pointed at one by its key or a part of
its name; a name that fits none or several is one line and exit 2."""

from __future__ import annotations

import pytest
from conftest import run_cli
from plan_helpers import second_plan

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.store.plan_loader import load_plan


@pytest.fixture(scope="module")
def two_plan_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("plans") / "desk.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
        load_plan(d.db, second_plan())
        with d.on_plan("sogo_test"):
            first = d.measures()[0]
            d.save(first.id, {(2024, F.ACTUAL): 30})
    return db


def test_plans_lists_every_plan_with_its_period_levels_and_count(two_plan_db):
    out = run_cli("--db", str(two_plan_db), "plans")
    assert out.returncode == 0, out.stderr
    lines = [line.split("\t") for line in out.stdout.splitlines()]
    assert lines[0] == ["キー", "名称", "期間", "階層", "件数"]
    rows = {r[0]: r for r in lines[1:]}
    assert rows["gyosei_keiei"][2:] == ["R5–R8", "方針/項目/小項目/取組", "90"]
    assert rows["sogo_senryaku_3"][1:] == [
        "第3次金沢版総合戦略",
        "R6–R10",
        "基本目標/施策/取組",
        "55",
    ]
    assert rows["digital_2"][1:] == ["金沢市デジタル戦略2.0", "R3–R4", "基本方針/施策", "16"]
    assert rows["sogo_test"][1:] == [
        "試験用の子育て計画",
        "R6–R10",
        "基本目標/施策/取組",
        "2",
    ]


def test_a_command_takes_the_plan_by_a_part_of_its_name(two_plan_db):
    out = run_cli("--db", str(two_plan_db), "indicators", "--plan", "子育て")
    assert out.returncode == 0, out.stderr
    body = [line.split("\t") for line in out.stdout.splitlines()[1:]]
    assert {r[0] for r in body} == {"KPI-1-1-①-1", "GOAL-1"}  # the 基本目標's own first
    assert {r[-1] for r in body if r[0] == "GOAL-1"} == {"基本目標1"}
    kpi = next(r for r in body if r[0] == "KPI-1-1-①-1")
    assert ["R6", "30"] == [kpi[5], kpi[7]]


@pytest.mark.parametrize("key, says", [("観光計画", "ありません"), ("金沢", "複数")])
def test_a_plan_that_fits_none_or_several_is_one_line_and_exit_2(two_plan_db, key, says):
    for command in (["indicators"], ["status"]):
        out = run_cli("--db", str(two_plan_db), *command, "--plan", key)
        assert out.returncode == 2
        assert out.stdout == ""
        assert out.stderr.count("\n") == 1 and says in out.stderr


def test_status_per_plan_and_across_plans(tmp_path):
    db = tmp_path / "sec.sqlite3"
    assert run_cli("--db", str(db), "init", "--secretariat").returncode == 0
    out = run_cli("--db", str(db), "status", "--all-plans")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "■ 金沢市行政経営プラン（gyosei_keiei）" in lines
    assert "■ 第3次金沢版総合戦略（sogo_senryaku_3）" in lines
    assert lines[-1].startswith("全計画 回収 0 / ") and lines[-1].endswith("（課・計画）")
    one = run_cli("--db", str(db), "status", "--plan", "デジタル")
    assert one.returncode == 0 and one.stdout.splitlines()[0] == "回収 0 / 0 課"
    both = run_cli("--db", str(db), "status", "--plan", "デジタル", "--all-plans")
    assert both.returncode == 2 and both.stderr.count("\n") == 1
