"""The bundled 金沢市デジタル戦略2.0 data: rebuilt from seed 004 byte for byte, and its counts
agree with simple counts taken from the seed text itself."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from kanazawa_desktop.domain.indicator import (
    Better,
    Change,
    OwnerKind,
    YearValue,
    indicator_from_dict,
    indicator_to_dict,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SEED = SEEDS / "004_fb3b9f1397276fb7.txt"
RESOURCES = ROOT / "resources"
WORDS = {"導入", "一部導入", "試験実施", "実施", "拡充", "検討", "構築", "策定", "設置", "調査分析"}


def _builder():
    spec = importlib.util.spec_from_file_location(
        "build_plan_004", ROOT / "tools" / "build_plan_004.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _seed_lines() -> list[str]:
    if not SEED.is_file():
        pytest.skip(f"seed {SEED} is absent: the bundled data cannot be checked against it")
    return SEED.read_text(encoding="utf-8").split("\n")


def _body(lines: list[str]) -> list[str]:
    start = next(i for i, x in enumerate(lines) if x.startswith("〔1〕"))
    return lines[start : lines.index("金沢市デジタル戦略の基本理念である", start)]


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads((RESOURCES / "plan_digital_2.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def measures(data) -> dict:
    return {m["key"]: m for m in data["measures"]}


def _indicators(data: dict) -> list[dict]:
    return data["node_indicators"] + [i for m in data["measures"] for i in m["indicators"]]


def test_bundled_files_equal_a_fresh_build():
    _seed_lines()
    built = _builder().build(SEEDS)
    assert sorted(built) == ["plan_digital_2.json", "seed_notes_004.md"]
    for name, content in built.items():
        assert (RESOURCES / name).read_text(encoding="utf-8") == content, (
            f"{name} is stale: run tools/build_plan_004.py"
        )


def test_check_flag_reports_stale_output(tmp_path, capsys):
    _seed_lines()
    main = _builder().main
    assert main(["--seeds", str(SEEDS), "--out", str(tmp_path), "--check"]) == 1
    assert len(capsys.readouterr().out.strip().splitlines()) == 1
    assert main(["--seeds", str(SEEDS), "--out", str(tmp_path)]) == 0
    assert main(["--seeds", str(SEEDS), "--out", str(tmp_path), "--check"]) == 0
    notes = tmp_path / "seed_notes_004.md"
    notes.write_text(notes.read_text(encoding="utf-8") + "x", encoding="utf-8")
    assert main(["--seeds", str(SEEDS), "--out", str(tmp_path), "--check"]) == 1


def test_an_unknown_line_in_the_body_is_refused(tmp_path):
    lines = _seed_lines()
    at = lines.index("オープンデータポータルサイトのリニューアル")
    lines.insert(at + 1, "- ## 何か")
    (tmp_path / SEED.name).write_text("\n".join(lines), encoding="utf-8")
    builder = _builder()
    with pytest.raises(builder.SeedError):
        builder.build(tmp_path)


def test_pillars_and_items_match_the_table_of_contents(data):
    lines = _seed_lines()
    toc = lines[lines.index("4. 戦略の具現化施策 ●\t13") : lines.index("5. 成果指標（KPI） ●\t28")]
    pillars = [x for x in toc if re.match(r"\[\d\]", x)]
    items = [x for x in toc if x[:1] in "①②③④⑤⑥⑦⑧⑨"]
    assert len(data["nodes"]) == len(pillars) == 5
    assert [n["title"] for n in data["nodes"]] == [
        re.sub(r"^\[\d\]|\s*●\t\d+$", "", p) for p in pillars
    ]
    assert [m["name"] for m in data["measures"]] == [re.sub(r"^.|\s*●\t\d+$", "", i) for i in items]
    assert [m["number"] for m in data["measures"]] == list(range(1, len(items) + 1))
    assert all(n["level"] == 1 and n["parent"] is None for n in data["nodes"])
    keys = {n["key"] for n in data["nodes"]}
    assert all(m["node"] in keys and m["key"].startswith(m["node"] + "-") for m in data["measures"])
    assert data["plan"]["levels"] == ["基本方針"] and data["plan"]["item"] == "施策"
    assert (data["plan"]["first_fy"], data["plan"]["last_fy"]) == (2021, 2022)


def test_vision_headlines_and_achieved_lists_count_as_in_the_seed(data, measures):
    body = _body(_seed_lines())
    headlines = [
        re.sub(r"^目指すべき姿\s*|\*", "", x) for x in body if x.startswith("目指すべき姿")
    ]
    assert [m["details"]["vision_title"] for m in data["measures"]] == headlines
    achieved, counting = 0, False
    for x in body:
        if "策定までの取り組み" in x:
            counting = True
        elif counting and x.startswith("- ・"):
            achieved += 1
        elif x.strip() and not x.startswith("- "):
            counting = False
    assert sum(len(m["details"]["achieved"]) for m in data["measures"]) == achieved
    assert measures["2-①"]["details"]["achieved"][0] == "押印手続きの廃止（1,900手続）(再掲)"
    assert measures["1-①"]["vision"].startswith("行かなくてもいい市役所に！\n・スマートフォン")


def test_action_rows_words_and_done_marks_count_as_in_the_seed(data, measures):
    body = _body(_seed_lines())
    actions = [a for m in data["measures"] for a in m["details"]["actions"]]
    words = [w for a in actions for w in a["years"].get("2022", "").split("／") if w]
    assert sum(w == "✓ DONE" for w in words) == sum(x.count("DONE") for x in body)
    unrecovered = [
        w for m in data["measures"] for w in m["details"].get("unrecovered", {}).get("words", [])
    ]
    # every standalone word line of the body, and every word in a table row's last cell
    seed_words = [x.strip() for x in body if x.strip() in WORDS]
    seed_words += [w for x in body if "\t" in x for w in x.split("\t")[-1].split() if w in WORDS]
    seed_words += [x.strip() for x in body if x.strip() in ("扩充", "实施", "- ## 導入")]
    assert len([w for w in words if w != "✓ DONE"]) + len(unrecovered) == len(seed_words)
    subs_in_seed, place = 0, ""
    for x in body:
        if (
            x in ("具体的な取組", "2022(R4)年度")
            or x.startswith("目指すべき姿")
            or "までの取り組み" in x
        ):
            place = x
        elif "\t" in x:
            subs_in_seed += sum(len(re.findall(r"(?:^|\s)・", c)) for c in x.split("\t")[:-1])
        elif re.match(r"^-\s*(?:\S+\s*[》>▶]*\s*)?・", x) and place == "2022(R4)年度":
            subs_in_seed += 1
    assert sum(len(a["subs"]) for a in actions) == subs_in_seed
    assert all(a["title"] and a["version"] in ("", "1.5", "2.0") for a in actions)
    assert all(len(a["subs"]) == len(a["sub_versions"]) for a in actions)
    assert all(set(a["years"]) <= {"2022"} for a in actions)
    assert set(words) <= WORDS | {"✓ DONE"}
    assert measures["4-①"]["details"]["actions"] == []
    assert measures["4-①"]["details"]["unrecovered"]["words"] == ["導入", "拡充", "実施"]
    assert measures["1-③"]["details"]["version"] == "1.5"
    assert measures["4-③"]["details"]["version"] == "2.0"
    row = measures["1-③"]["details"]["actions"][0]
    assert row["sub_versions"] == ["", "", "2.0", "2.0"]
    assert row["years"] == {"2022": "✓ DONE／拡充／策定／実施"}


def test_twelve_kpis_in_two_groups_with_their_targets(data, measures):
    lines = _seed_lines()
    heads = [i for i, x in enumerate(lines) if x.startswith("K P I（成果指標）\t")]
    rows = []
    for h in heads:
        j = h + 1
        while lines[j].count("\t") == 2:
            rows.append(lines[j])
            j += 1
    inds = _indicators(data)
    assert len(inds) == len(rows) == 12
    assert [g["name"] for g in data["kpi_groups"]] == ["市民サービスの向上", "職員の生産性向上"]
    assert sorted(k for g in data["kpi_groups"] for k in g["keys"]) == sorted(
        i["key"] for i in inds
    )
    for i in data["node_indicators"]:
        assert i["owner_kind"] == "plan"
        assert i["key"] in next(
            g["keys"] for g in data["kpi_groups"] if g["name"] == i["owner_key"]
        )
    for m in data["measures"]:
        assert m["numeric"] == bool(m["indicators"])
        assert all(
            i["owner_kind"] == "measure" and i["owner_key"] == m["key"] for i in m["indicators"]
        )
    by_key = {i["key"]: indicator_from_dict(i) for i in inds}
    assert by_key["KPI-1"].targets == (YearValue(2021, 80), YearValue(2022, 100))
    assert by_key["KPI-6"].targets == (Change(2021, 10, 2022, None, 1),)
    assert by_key["KPI-6"].unit == "万件"
    assert by_key["KPI-7"].targets == (Change(2019, -50, 2022, None, -600),)
    assert by_key["KPI-7"].better is Better.LESS
    assert by_key["KPI-12"].targets == (YearValue(2022, 100),)
    assert "全課長" in by_key["KPI-12"].note
    assert by_key["KPI-3"].owner_kind is OwnerKind.PLAN and by_key["KPI-3"].baseline.cumulative
    assert [i["key"] for i in measures["4-②"]["indicators"]] == ["KPI-11", "KPI-12"]


def test_every_indicator_round_trips_and_keys_are_unique(data):
    inds = _indicators(data)
    for d in inds:
        assert indicator_to_dict(indicator_from_dict(d)) == d, d["key"]
    keys = [i["key"] for i in inds]
    assert len(keys) == len(set(keys))
    measure_keys = [m["key"] for m in data["measures"]]
    assert len(measure_keys) == len(set(measure_keys))
    node_keys = [n["key"] for n in data["nodes"]]
    assert len(node_keys) == len(set(node_keys))
    assert data["schema"] == 2 and data["departments"] == []


def test_notes_list_the_irregularities():
    notes = (RESOURCES / "seed_notes_004.md").read_text(encoding="utf-8")
    for needle in (
        "〔4〕デジタル社会の担い手の育成",
        "扩充",
        "unplaced_versions",
        "DONE",
        "2021-2022",
    ):
        assert needle in notes, needle
