"""The bundled 第3次金沢版総合戦略 data (seed 003): rebuilt from the seed it matches byte for
byte, and its counts agree with simple counts taken from the seed text itself."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from kanazawa_desktop.domain.indicator import (
    Baseline,
    Better,
    Bound,
    EndValue,
    Limit,
    OwnerKind,
    PeriodSum,
    ToBeSet,
    indicator_from_dict,
    indicator_to_dict,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SEED = SEEDS / "003_73bf3fff28d74371.txt"
RESOURCES = ROOT / "resources"
JSON_NAME, NOTES_NAME = "plan_sogo_senryaku_3.json", "seed_notes_003.md"


def _builder():
    spec = importlib.util.spec_from_file_location(
        "build_plan_003", ROOT / "tools" / "build_plan_003.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _need_seeds() -> None:
    if not SEED.is_file():
        pytest.skip(f"seed {SEED} is absent: the bundled data cannot be rebuilt here")


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads((RESOURCES / JSON_NAME).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def body() -> list[str]:
    """The seed's lines from 「Ⅱ 基本目標と具体的な施策」 to the colophon (independent of the
    builder: plain string searches)."""
    _need_seeds()
    lines = SEED.read_text(encoding="utf-8").split("\n")
    start = lines.index("Ⅱ 基本目標と具体的な施策")
    end = next(i for i, line in enumerate(lines) if line.startswith("発 行"))
    return lines[start:end]


def _all_indicators(data: dict) -> list[dict]:
    return data["node_indicators"] + [i for m in data["measures"] for i in m["indicators"]]


def test_bundled_files_equal_a_fresh_build():
    _need_seeds()
    built = _builder().build(SEEDS)
    assert sorted(built) == [JSON_NAME, NOTES_NAME]
    for name, content in built.items():
        assert (RESOURCES / name).read_text(encoding="utf-8") == content, (
            f"{name} is stale: run tools/build_plan_003.py"
        )


def test_check_flag_reports_stale_output(tmp_path, capsys):
    _need_seeds()
    main = _builder().main
    assert main(["--seeds", str(SEEDS), "--out", str(tmp_path), "--check"]) == 1
    assert len(capsys.readouterr().out.strip().splitlines()) == 1
    assert main(["--seeds", str(SEEDS), "--out", str(tmp_path)]) == 0
    assert main(["--seeds", str(SEEDS), "--out", str(tmp_path), "--check"]) == 0
    (tmp_path / NOTES_NAME).write_text("edited\n", encoding="utf-8")
    assert main(["--seeds", str(SEEDS), "--out", str(tmp_path), "--check"]) == 1


def test_unknown_structure_stops_the_build(tmp_path):
    """A line the builder does not know is an error, never a guess."""
    _need_seeds()
    mod = _builder()
    text = SEED.read_text(encoding="utf-8").replace(
        "（具体的な事業）\n\n- ・本庁及び", "（具体的な事業）\n\n＊謎の行\n- ・本庁及び", 1
    )
    assert "＊謎の行" in text
    (tmp_path / SEED.name).write_text(text, encoding="utf-8")
    with pytest.raises(mod.SeedError):
        mod.build(tmp_path)


def test_plan_header(data):
    assert data["schema"] == 2
    plan = data["plan"]
    assert plan["code"] == "sogo_senryaku_3" and plan["name"] == "第3次金沢版総合戦略"
    assert (plan["first_fy"], plan["last_fy"]) == (2024, 2028)
    assert (
        plan["levels"] == ["基本目標", "施策"] and plan["item"] == "取組"
    )  # node levels, then the item
    assert data["departments"] == []


def test_counts_against_the_seed(data, body):
    goals = [line for line in body if re.match(r"基本目標\d ", line)]
    policies = [line for line in body if re.match(r"[（(][0-9０-９][)）]", line)]
    items = [line for line in body if re.match("[①-⑩]", line)]
    assert [n["level"] for n in data["nodes"]].count(1) == len(goals) == 4
    assert [n["level"] for n in data["nodes"]].count(2) == len(policies) == 17
    assert len(data["measures"]) == len(items) == 55
    # the ※N marks are kept, as printed (the glossary explains them)
    assert [m["name"] for m in data["measures"]] == [line[1:].strip() for line in items]


def test_every_kpi_row_is_an_indicator_or_a_repeat(data, body):
    """Each printed KPI or 数値目標 row has exactly one →; every row is either defined once or
    listed as a repeat of one."""
    arrows = sum(line.count("→") for line in body)
    defined = len(_all_indicators(data))
    repeats = sum(len(m["details"]["kpi_repeats"]) for m in data["measures"])
    assert defined + repeats == arrows == 107
    assert len(data["node_indicators"]) == sum(line.count("◆") for line in body) == 8


def test_projects_against_the_seed(data, body):
    """Bullets after each （具体的な事業） heading, counted with a plain state machine."""
    count, marks, inside = 0, 0, False
    for line in body:
        s = line.strip()
        if s in ("（具体的な事業）", "(具体的な事業)"):
            inside = True
        elif re.match("[①-⑩]|基本目標|[(（]", s):
            inside = False
        elif inside and re.match(r"(- )?・", s):
            count += 1
        if inside:
            marks += s.count("再掲")
    projects = [p for m in data["measures"] for p in m["details"]["projects"]]
    assert len(projects) == count == 287
    assert sum(p["repeat"] for p in projects) == marks == 48
    assert all(p["text"] and "再掲" not in p["text"] for p in projects)
    marks = {e["mark"] for e in data["plan"]["glossary"]}
    assert all(set(re.findall(r"※\d+", p["text"])) <= marks for p in projects)


def test_keys_unique_and_structure_sane(data):
    nodes = {n["key"]: n for n in data["nodes"]}
    assert len(nodes) == len(data["nodes"])
    for n in data["nodes"]:
        assert (n["parent"] is None) == (n["level"] == 1)
        assert n["parent"] is None or nodes[n["parent"]]["level"] == n["level"] - 1
        assert n["title"] and "※" not in n["title"]
    assert [n["label"] for n in data["nodes"] if n["level"] == 1] == [
        f"基本目標{i}" for i in range(1, 5)
    ]
    measures = data["measures"]
    assert [m["number"] for m in measures] == list(range(1, len(measures) + 1))
    assert len({m["key"] for m in measures}) == len(measures)
    for m in measures:
        assert nodes[m["node"]]["level"] == 2 and m["key"].startswith(m["node"] + "-")
        assert m["name"] == m["list_name"] and m["summary"] and m["repeat_of"] is None
        assert m["numeric"] == bool(m["indicators"] or m["details"]["kpi_repeats"])
        assert m["vision"] == "" and m["years"] == {} and m["departments"] == []
    keys = [i["key"] for i in _all_indicators(data)]
    assert len(set(keys)) == len(keys)
    for m in measures:
        assert set(m["details"]["kpi_repeats"]) <= set(keys)
        assert all(
            i["owner_kind"] == "measure" and i["owner_key"] == m["key"] for i in m["indicators"]
        )
    for i in data["node_indicators"]:
        assert i["owner_kind"] == "goal" and nodes[i["owner_key"]]["level"] == 1


def test_every_indicator_round_trips(data):
    for d in _all_indicators(data):
        ind = indicator_from_dict(d)
        assert indicator_to_dict(ind) == d
        assert indicator_from_dict(indicator_to_dict(ind)) == ind
        assert ind.unit or ind.targets[0].__class__ is ToBeSet, ind.key
        assert ind.better is not None, ind.key


def test_the_seed_s_special_cases(data):
    inds = {i["key"]: indicator_from_dict(i) for i in _all_indicators(data)}
    by_name = {}
    for i in inds.values():
        by_name.setdefault(i.name, []).append(i)
    birth = by_name["合計特殊出生率"][0]
    assert birth.owner_kind is OwnerKind.GOAL and birth.baseline == Baseline(1.35, 2022)
    assert birth.targets == (ToBeSet(birth.targets[0].reason, 2024, 2028),)
    assert "人口ビジョン改訂" in birth.targets[0].reason
    hoiku = by_name["保育利用率"]
    assert [(i.category, i.series) for i in hoiku] == [
        ("1歳児", "保育利用率"),
        ("2歳児", "保育利用率"),
    ]
    assert hoiku[0].targets == (EndValue(2028, 77.4),) and hoiku[0].unit == "%"
    art = by_name["子ども向け文化芸術体験イベント参加者数"][0]
    assert art.targets == (Limit(Bound.AT_LEAST, 1000, 2024, 2028, maintain=True),)
    trip = by_name["金沢旅行の満足度"][0]
    assert trip.targets == (Limit(Bound.AT_LEAST, 95, 2024, 2028, maintain=True),)
    co2 = by_name["温室効果ガス排出量"][0]
    assert co2.better is Better.LESS and co2.unit == "千t-CO₂"
    assert co2.baseline == Baseline(3537, 2013) and co2.targets == (EndValue(2028, 2000),)
    wood = by_name["金沢産材の供給量"][0]
    assert wood.unit == "m³"
    (mitani,) = [i for i in inds.values() if i.name.startswith("「三谷さとやま交流広場」")]
    assert mitani.targets == (PeriodSum(60000, 2024, 2028),)
    app = by_name["子育てアプリのダウンロード数（累計）"][0]
    assert app.baseline == Baseline(14593, 2022, cumulative=True)
    starts = by_name["幼児教育公開講座への参加者数（累計）"][0]
    assert starts.baseline.starts == 2024 and starts.baseline.value is None
    district = by_name["地域活動発信アプリを活用している校下（地区）数"][0]
    assert district.unit == "校下（地区）" and district.targets == (EndValue(2026, 62),)
    traffic = by_name["公共交通の利用者数"][0]
    assert traffic.unit == "人/日" and traffic.targets == (
        Limit(Bound.AT_LEAST, 124400, 2028, 2028),
    )
    assert by_name["金沢地域の観光入込客数"][0].unit == "万人"


def test_kpi_repeats_point_at_the_first_definition(data):
    measures = {m["key"]: m for m in data["measures"]}
    assert measures["1-1-⑤"]["details"]["kpi_repeats"] == ["KPI-1-1-②-1"]
    assert [i["key"] for i in measures["1-1-⑤"]["indicators"]] == ["KPI-1-1-⑤-2"]
    assert measures["1-1-①"]["details"]["kpi_repeats"] == ["GOAL-1-1"]  # a goal target, unmarked
    assert measures["3-2-④"]["details"]["kpi_repeats"] == ["KPI-3-2-①-1", "KPI-3-2-②-1"]
    assert measures["3-2-④"]["indicators"] == [] and measures["3-2-④"]["numeric"]
    shown = [k for m in data["measures"] for k in m["details"]["kpi_repeats"]]
    names = [i["name"] for i in _all_indicators(data)]
    assert len(names) == len(set(names)) + 1  # only 保育利用率 (two categories) shares a name
    assert len(shown) == 12


def test_projects_and_summaries(data):
    m = {m["key"]: m for m in data["measures"]}
    first = m["1-1-①"]
    assert first["name"] == "妊娠、出産、育児を包括的に支援する体制（金沢版ネウボラ※6）の充実"
    assert first["details"]["projects"][0] == {
        "text": "本庁及び福祉健康センターのワンストップ拠点において、妊娠期から子育て期にわたる総合的な相談や支援を実施",
        "repeat": False,
    }
    assert "ネウボラ：" not in first["summary"]  # the footnote is the glossary's, not the text's
    tail = m["1-3-⑤"]["details"]["projects"]
    assert [p["repeat"] for p in tail] == [False, True, False]  # lone [再掲] line, empty bullet
    assert m["4-2-②"]["details"]["projects"][2]["repeat"] is True
    assert m["3-1-③"]["summary"].startswith("ＩＴビジネスプラザ武蔵")


def test_the_footnotes_are_the_glossary_and_every_mark_is_explained(data, body):
    """All ten numbered notes (the preamble's ※1–※5 too) are the glossary, in order; every
    ※N a loaded text carries is one of them (counted with a plain search of the JSON)."""
    glossary = data["plan"]["glossary"]
    assert [e["mark"] for e in glossary] == [f"※{n}" for n in range(1, 11)]
    by_mark = {e["mark"]: e for e in glossary}
    assert by_mark["※6"]["term"] == "ネウボラ"
    assert by_mark["※6"]["text"].startswith("フィンランド語で") and by_mark["※6"]["text"].endswith(
        "総合的な支援サービスをいう。"
    )  # its second line joined
    assert by_mark["※2"]["term"] == "SDGs"
    assert by_mark["※4"]["term"] == "K P I（重要業績評価指標）（KPI: Key Performance Indicator）"
    assert by_mark["※10"]["term"] == "M a a S"
    assert by_mark["※10"]["text"].startswith("Mobility（移動） as a Service")
    loaded = json.dumps({k: v for k, v in data.items() if k != "plan"}, ensure_ascii=False)
    assert set(re.findall(r"※\d+", loaded)) == {f"※{n}" for n in range(6, 11)}
    assert sum(line.count("※") for line in body if not line.lstrip().startswith("※")) == 5


def test_notes_list_the_irregularities():
    text = (RESOURCES / NOTES_NAME).read_text(encoding="utf-8")
    for needle in (
        "インノベーション",
        "※6",
        "※10",
        "Markdown の表",
        "タブ区切りの表",
        "[再掲]」が単独の行",
        "再掲の印なし",
        "ふるさと納税寄附受入件数",
        "86,073 人/日以上",
    ):
        assert needle in text, needle
