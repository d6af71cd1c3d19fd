"""The bundled 行政経営プラン data: rebuilt from the seed it matches byte for byte, and it
has the shape the plan prints (90 numbered measures, 2 【再掲】, 3 方針, 9 項目, 42 課)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
RESOURCES = ROOT / "resources"
YEARS = ["2023", "2024", "2025", "2026"]


def _builder():
    spec = importlib.util.spec_from_file_location(
        "build_plan_data", ROOT / "tools" / "build_plan_data.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _need_seeds() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed directory {SEEDS} is absent: the bundled data cannot be rebuilt here")


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads((RESOURCES / "plan_gyosei_keiei.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def measures(data) -> dict:
    return {m["key"]: m for m in data["measures"]}


def test_bundled_files_equal_a_fresh_build():
    _need_seeds()
    built = _builder().build(SEEDS)
    assert sorted(built) == ["plan_gyosei_keiei.json", "seed_notes.md"]
    for name, content in built.items():
        assert (RESOURCES / name).read_text(encoding="utf-8") == content, (
            f"{name} is stale: run tools/build_plan_data.py"
        )


def test_check_flag_reports_stale_output(tmp_path, capsys):
    _need_seeds()
    main = _builder().main
    assert main(["--seeds", str(SEEDS), "--out", str(tmp_path), "--check"]) == 1
    assert len(capsys.readouterr().out.strip().splitlines()) == 1
    assert main(["--seeds", str(SEEDS), "--out", str(tmp_path)]) == 0
    assert main(["--seeds", str(SEEDS), "--out", str(tmp_path), "--check"]) == 0


def test_numbered_measures_once_each_in_order(data):
    numbers = [m["number"] for m in data["measures"] if m["number"] is not None]
    assert numbers == list(range(1, 91))
    assert len(data["measures"]) == 92
    assert len({m["key"] for m in data["measures"]}) == 92


def test_two_repeats_point_at_51_and_75(data, measures):
    repeats = [m for m in data["measures"] if m["number"] is None]
    assert [m["repeat_of"] for m in repeats] == [51, 75]
    assert [m["key"] for m in repeats] == ["再掲-No.51", "再掲-No.75"]
    assert measures["No.51"]["name"] == "金沢MaaSの推進"
    assert measures["No.75"]["name"] == "より効果的な政策立案を推進する人材の育成"
    for m in repeats:
        assert m["name"] == measures[f"No.{m['repeat_of']}"]["name"]
    assert all(m["repeat_of"] is None for m in data["measures"] if m["number"] is not None)


def test_hierarchy(data):
    levels = [n["level"] for n in data["nodes"]]
    assert levels.count(1) == 3 and levels.count(2) == 9
    seen = set()
    for n in data["nodes"]:
        assert n["parent"] is None if n["level"] == 1 else n["parent"] in seen
        seen.add(n["key"])
    assert [n["label"] for n in data["nodes"] if n["level"] == 1] == ["方針1", "方針2", "方針3"]
    assert all(m["node"] in seen for m in data["measures"])


def test_departments(data):
    assert len(data["departments"]) == 42 == len(set(data["departments"]))
    assert data["departments"][0] == "デジタル行政戦略課"
    used = {d for m in data["measures"] for d in m["departments"]}
    assert used == set(data["departments"])
    jinji = [m["number"] for m in data["measures"] if "人事課" in m["departments"]]
    assert jinji == [7, 10, 11, 23, 25, 26]


def test_every_measure_has_texts_for_each_year(data):
    for m in data["measures"]:
        assert m["name"] and m["summary"] and m["vision"], m["key"]
        assert sorted(m["years"]) == YEARS, m["key"]
        assert all(m["years"][y]["plan"].strip() for y in YEARS), m["key"]
        assert "※" not in m["name"] + m["summary"] + m["vision"], m["key"]
        for span in m["merged_years"]:
            assert len({m["years"][str(y)]["plan"] for y in span}) == 1, m["key"]


def test_indicators_only_for_numeric_measures(data, measures):
    for m in data["measures"]:
        assert (m["indicator"] is not None) == m["numeric"], m["key"]
        if m["indicator"]:
            assert m["indicator"]["direction"] in {"increase", "decrease", "at_least", "at_most"}
            assert set(m["indicator"]["targets"]) <= set(YEARS)
    one = measures["No.1"]["indicator"]
    assert one["targets"] == {"2023": 70, "2024": 80, "2025": 90, "2026": 100}
    assert one["unit"] == "件"
    assert measures["No.15"]["indicator"]["targets"]["2023"] == 1800
    assert measures["No.34"]["indicator"]["targets"]["2023"] == 1400
    assert measures["No.34"]["indicator"]["cumulative"] is True
    assert measures["No.33"]["indicator"]["direction"] in {"decrease", "at_most"}


def test_resources(measures):
    assert measures["No.9"]["resources"] == {"hito": True, "kane": True, "mono": True, "joho": True}
    assert measures["No.6"]["resources"] == {
        "hito": True,
        "kane": False,
        "mono": False,
        "joho": True,
    }


def test_merged_cells_and_bullets(measures):
    assert measures["No.25"]["merged_years"] == [[2023, 2024], [2025, 2026]]
    assert measures["No.17"]["merged_years"] == []
    assert (
        measures["No.5"]["years"]["2023"]["plan"]
        == "・ドローンの導入\n・操作職員育成研修の実施\n・運用開始"
    )
    assert measures["No.4"]["related_plans"] == [
        "金沢健康プラン2018",
        "第2期金沢市保健事業実施計画",
    ]
    assert measures["No.7"]["related_plans"] == []


def test_every_numeric_measure_carries_its_indicators_in_the_full_model(data):
    from kanazawa_desktop.domain.indicator import (
        Bound,
        EndValue,
        Limit,
        OutsideLimit,
        ToBeSet,
        indicator_from_dict,
    )
    from kanazawa_desktop.domain.judgement import Verdict, judge

    by_number = {
        m["number"]: [indicator_from_dict(i) for i in m["indicators"]]
        for m in data["measures"]
        if m["repeat_of"] is None
    }
    assert sorted(n for n, inds in by_number.items() if inds) == sorted(
        m["number"] for m in data["measures"] if m["numeric"]
    )
    assert [i.name for i in by_number[86]] == [
        "実質公債費比率",
        "実質赤字比率",
        "将来負担比率",
        "経常収支比率",
        "連結実質赤字比率",
    ]
    assert by_number[86][3].targets == (OutsideLimit(Bound.AT_MOST, "中核市平均", 2023, 2026),)
    assert by_number[86][0].targets == (Limit(Bound.UNDER, 10, 2023, 2026),)
    assert by_number[43][0].targets == (EndValue(2027, 146000),)  # past the plan's last year
    assert by_number[74][0].targets == (EndValue(2025, 40),)
    assert by_number[82][0].targets[-1] == ToBeSet(
        "前年度までの実績をふまえた新たな目標の設定", 2025, 2026
    )
    assert judge(by_number[82][0], 2025, {2025: 99.0}).verdict is Verdict.UNDECIDABLE
    assert [judge(by_number[1][0], y, {y: 85}).verdict.label for y in YEARS_INT] == [
        "達成",
        "達成",
        "未達成",
        "未達成",
    ]
    assert by_number[34][0].baseline.cumulative and not by_number[35][0].baseline.cumulative


YEARS_INT = [int(y) for y in YEARS]
