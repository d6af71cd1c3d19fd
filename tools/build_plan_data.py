#!/usr/bin/env python3
"""Build the bundled 金沢市行政経営プラン data from the seed text.

Contract:
  input   <seeds>/<seed_file> (the plan, converted from PDF to text) and the hand-made
          decisions in tools/seed_decisions.json (plan name, indicator names/units/
          directions, typos and variants to report), each with a "why";
  output  <out>/plan_gyosei_keiei.json (schema 1, read by store/plan_loader.py) and
          <out>/seed_notes.md (every inconsistency found in the seed and every decision
          taken, Japanese + English); both are deterministic byte for byte;
  data    comes only from "5. 取組事項一覧" (hierarchy, 一覧 names, departments) and the
          取組管理票 sheets after it; the 見える化 sample page is compared, never loaded;
  strict  structure the script does not know raises SeedError instead of being guessed;
  --check rebuilds in memory and exits 1 with a one-line message if the files differ.
Stdlib only.  Usage: python tools/build_plan_data.py [--seeds DIR] [--out DIR] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DECISIONS = Path(__file__).resolve().parent / "seed_decisions.json"
JSON_NAME, NOTES_NAME = "plan_gyosei_keiei.json", "seed_notes.md"
SAMPLE_START, LIST_START = "# 取組の達成状況の見える化について", "## 5. 取組事項一覧"
SHEET_HEAD = re.compile(r"^(?:-\s*)?(?:No\.(\d+)\s*|【再掲】)")
FOOTNOTE_HEAD = re.compile(r"^#+\s*※\d+\s")
FOOTNOTE_MARK = re.compile(r"※\d+")
RES_HEAD = re.compile(r"確保する\s*行政資源")
MARKS, WORDS = {"○", "〇"}, {"ヒト": "hito", "カネ": "kane", "モノ": "mono", "情報": "joho"}
NONE_CELLS = {"", "-", "—"}
SECTIONS = [  # (id, Japanese / English title) in the order printed
    ("source", "出典と件数 / Source and counts"),
    ("general", "全般的な判断 / General decisions"),
    ("names", "一覧と管理票の名称の相違 / Names differing between 一覧 and 管理票"),
    ("departments", "一覧と管理票の担当課の相違 / Department differences between 一覧 and 管理票"),
    ("repeats", "【再掲】管理票と元の管理票の相違 / 【再掲】 sheets vs. their originals"),
    (
        "merged",
        "結合された実施計画セル（全年度に複写） / Merged 実施計画 cells (copied into each year)",
    ),
    ("extra", "余分なセル / Extra cells dropped"),
    ("layout", "体裁・表記の不統一 / Layout and notation irregularities"),
    ("indicators", "数値目標の判断 / Indicator decisions"),
    (
        "no_target",
        "数値目標の読めない【数値目標】 / 【数値目標】 measures without (complete) targets",
    ),
    ("typos", "誤字・誤記の疑い（印字のまま） / Suspected typos, kept as printed"),
    ("variants", "本文の他の箇所との表記差 / Variants elsewhere in the seed"),
    ("sample", "見える化サンプル頁（データとして不使用） / The 見える化 sample page (not data)"),
]
GENERAL = [
    "見える化サンプル頁は例示として無視し、データは「5. 取組事項一覧」と取組管理票からのみ取る。 / The 見える化 page is an example: never data, only compared (section 13).",
    "name は管理票の表記、list_name は一覧の表記（【数値目標】・※N・【再掲】を除去、空白等は印字のまま）。 / name is the sheet's wording, list_name the 一覧's, both without 【数値目標】, ※N and 【再掲】; spacing kept.",
    "※N の注記記号は全ての本文から除去（例: 行政DX※1による → 行政DXによる）。 / ※N footnote marks are removed from all texts.",
    "<ul><li> のリストとセル先頭の「・」箇条は1行1項目の「・項目」に整形。その他は誤字も含め印字どおり。 / HTML lists and leading-・ inline bullets become one '・item' per line; all other text is kept as printed, typos included.",
    "実施計画の値は年度見出し（令和N年度）のタブ位置で年度に対応させ、次の値の年度の前年まで及ぶ。結合セルの本文は及ぶ全年度に複写し、merged_years に年度の一覧を記録。 / A 実施計画 value belongs to the year whose header has its tab position and covers the years up to the next value; a merged cell is copied into each year, merged_years lists the years.",
    "年度見出しの位置にない余分な値は捨てて記録する。空の実施結果行はデータではない。 / Values at no year position are dropped and listed; empty 実施結果 rows are not data.",
    "【再掲】は key「再掲-No.N」、number null、repeat_of は管理票の名称が一致する番号。 / A 【再掲】 row is keyed 再掲-No.N after the numbered sheet of the same name.",
    "node は印字された小項目（①…）、なければ項目。 / node is the printed 小項目, else the 項目.",
    "関連計画は「・」箇条または「、」で分割、「-」「—」・空欄は []。 / 関連計画 is split on ・ bullets or 、; -, — or empty gives [].",
    "目標値は各年度の実施計画に印字された数値のみ。「（令和N年度(末)まで）」付きは令和N年度の目標とし、期間外なら採らない。数値のない年度は空。名称・単位・方向は tools/seed_decisions.json。 / Targets are only numbers printed in the year's text; one qualified by （令和N年度まで） belongs to FY N (dropped outside the plan); no number, no target. Name, unit and direction come from tools/seed_decisions.json.",
    "cumulative は管理票の名称に「（累計）」がある場合のみ true。 / cumulative is true only where the sheet's name says （累計）.",
]


class SeedError(Exception):
    """The seed does not have the structure this script knows."""


def clean(text: str) -> str:
    """Drop 【数値目標】, 【再掲】 and ※N marks; strip."""
    return FOOTNOTE_MARK.sub("", text.replace("【数値目標】", "").replace("【再掲】", "")).strip()


def heading(line: str) -> str:
    return re.sub(r"^[#*\s-]+|[*\s]+$", "", line)


def norm(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def is_sheet_head(line: str) -> bool:
    return "\t" in line and bool(SHEET_HEAD.match(line))


def cell_lines(text: str) -> list[str]:
    """A cell as printed lines: <li> items and leading-・ bullets become '・item' lines."""
    text = FOOTNOTE_MARK.sub("", text).strip()
    if "<li" in text:
        if re.sub(r"<ul[^>]*>|</ul>|<li[^>]*>.*?</li>", "", text, flags=re.S).strip():
            raise SeedError(f"text outside <li>: {text!r}")
        items = re.findall(r"<li[^>]*>(.*?)</li>", text, flags=re.S)
        return ["・" + re.sub(r"^・\s*", "", i.strip()) for i in items]
    if text.startswith("・"):
        return [p.strip() for p in re.split(r"\s+(?=・)", text)]
    return [text] if text else []


def find_regions(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Line ranges of the sample page, the 一覧 and the 取組管理票 sheets."""
    first_list = lines.index(LIST_START)
    sheets = next(
        i for i in range(first_list, len(lines)) if re.match(r"方針\s*\d", heading(lines[i]))
    )
    end = next(i for i in range(sheets, len(lines)) if FOOTNOTE_HEAD.match(lines[i]))
    return {
        "sample": (lines.index(SAMPLE_START), first_list),
        "list": (first_list, sheets),
        "sheets": (sheets, end),
    }


def list_row(line: str) -> dict | None:
    cells = [c.strip() for c in line.split("\t")]
    if "\t" not in line or not re.fullmatch(r"\d+|-", cells[0]):
        return None
    return {
        "number": None if cells[0] == "-" else int(cells[0]),
        "raw": cells[1],
        "departments": cells[2].split("、"),
        "status": [c for c in cells[3:] if c],
    }


def parse_list(lines: list[str]) -> tuple[list, list, list]:
    """(policies, items, rows) of the 取組事項一覧 tables, in printed order."""
    policies, items, rows, prev = [], [], [], ""
    for line in lines:
        if row := list_row(line):
            rows.append(row | {"item": items[-1][0]})
        s = heading(line) if "\t" not in line else ""
        if prev == "方針" and (m := re.fullmatch(r"(\d)\s+(.+)", s)):
            policies.append((m[1], m[2]))
        elif m := re.fullmatch(r"[（(](\d)[)）]\s*(.+)", s):
            items.append((f"{policies[-1][0]}-{m[1]}", f"({m[1]})", m[2]))
        prev = s or prev
    return policies, items, rows


def parse_resources(cells: list[str]) -> dict[str, bool]:
    """○/〇 right after each of ヒト カネ モノ 情報 (also 'ヒト ○' in one cell)."""
    res, current = {}, None
    for cell in filter(None, cells):
        word, _, mark = cell.partition(" ")
        if word in WORDS and word not in res:
            current = WORDS[word]
            res[current] = mark.strip() in MARKS
        elif cell in MARKS and current and not res[current]:
            res[current] = True
        else:
            raise SeedError(f"unexpected resource cell {cell!r} in {cells}")
    if len(res) != len(WORDS):
        raise SeedError(f"resources incomplete: {cells}")
    return {k: res[k] for k in WORDS.values()}


def parse_years(header: list[str], plan: list[str]) -> tuple[dict, list, list]:
    """Map 実施計画 values to years by the header's tab positions.

    Returns (years {fy: text}, merged spans [[fy, ...]], extras [(position, raw text)]).
    """
    starts = {
        p: 2018 + int(m[1])
        for p, c in enumerate(header)
        if (m := re.fullmatch(r"令和(\d+)年度", c.strip()))
    }
    fys = list(starts.values())
    values = [(p, c) for p, c in enumerate(plan) if p > 0 and c.strip()]
    placed = [(starts[p], c) for p, c in values if p in starts]
    if not placed or placed[0][0] != fys[0]:
        raise SeedError(f"no 実施計画 value for {fys[0]}: {plan}")
    years, merged = {}, []
    for i, (fy, text) in enumerate(placed):
        span = list(range(fy, placed[i + 1][0] if i + 1 < len(placed) else fys[-1] + 1))
        years.update({y: "\n".join(cell_lines(text)) for y in span})
        merged += [span] if len(span) > 1 else []
    return years, merged, [(p, c) for p, c in values if p not in starts]


def parse_block(block: list[str]) -> dict:
    """One 取組管理票: its header line plus the tab rows under it."""
    rows = [line.split("\t") for line in block if line.strip()]
    head = rows[0][0].strip()
    m = SHEET_HEAD.match(head)
    sheet = {
        "number": int(m[1]) if m[1] else None,
        "raw": head[m.end() :].strip(),
        "departments": [c.strip() for c in rows[0][1:] if c.strip()][-1].split("、"),
        "results": [],
        "related_raw": "",
        "layout": [],
    }
    flat, header = [], None
    for cells in rows[1:]:
        label = cells[0].strip()
        flat += [c.strip() for c in cells]
        if label in ("概要", "めざす姿"):
            sheet[label] = clean(" ".join(c.strip() for c in cells[1:] if c.strip()))
        elif label == "関連計画":
            cut = next(
                (i for i, c in enumerate(cells) if RES_HEAD.fullmatch(c.strip())), len(cells)
            )
            sheet["related_raw"] = " ".join(c.strip() for c in cells[1:cut] if c.strip())
        elif label == "実施計画":
            sheet["plan_cells"] = cells
        elif label == "実施結果":
            sheet["results"] = [c.strip() for c in cells[1:] if c.strip()]
        elif label == "" and any("令和" in c for c in cells):
            header = cells
            if any(RES_HEAD.fullmatch(c.strip()) for c in cells):
                sheet["layout"].append(
                    "確保する行政資源が年度見出し行に印字 / resources printed on the year header row"
                )
        elif label:
            raise SeedError(f"unknown row {label!r} in {head}")
    start = next(i for i, c in enumerate(flat) if RES_HEAD.fullmatch(c)) + 1
    stop = next(
        i
        for i in range(start, len(flat))
        if "令和" in flat[i] or flat[i] in ("実施計画", "実施結果")
    )
    sheet["resources"] = parse_resources(flat[start:stop])
    if any(c.partition(" ")[0] in WORDS and " " in c for c in flat[start:stop]):
        sheet["layout"].append("資源名と○が同じセル（「情報 ○」） / word and ○ in one cell")
    sheet["years"], sheet["merged"], sheet["extras"] = parse_years(header, sheet["plan_cells"])
    return sheet


def sheet_blocks(lines: list[str]):
    """Yield ('sheet', block) for each sheet and ('line', text) for every other line."""
    i = 0
    while i < len(lines):
        if not is_sheet_head(lines[i]):
            yield "line", lines[i]
            i += 1
            continue
        j = i + 1
        while (
            j < len(lines)
            and ("\t" in lines[j] or not lines[j].strip())
            and not is_sheet_head(lines[j])
        ):
            j += 1
        yield "sheet", lines[i:j]
        i = j


def parse_sheets(lines: list[str], items: dict) -> tuple[list, list]:
    """(sheets, 小項目 nodes); tracks the 方針/項目/小項目 headings between sheets."""
    sheets, subs, policy, item, sub = [], [], None, None, None
    for kind, part in sheet_blocks(lines):
        if kind == "sheet":
            sheet = parse_block(part)
            sheet["item"], sheet["node"] = item, sub if sub and sub.startswith(item + "-") else item
            sheets.append(sheet)
            continue
        s = heading(part)
        if m := re.match(r"方針\s*(\d)", s):
            policy = m[1]
        if m := re.search(r"[（(](\d)[)）]\s*(.+)$", s):
            item = f"{policy}-{m[1]}"
            if items.get(item) != m[2]:
                raise SeedError(f"sheet heading {s!r} does not match the 一覧")
        if m := re.match(r"([①-⑨])\s*(.+)$", s):
            sub = f"{item}-{ord(m[1]) - 0x245F}"
            if sub != f"{item}-{sum(n[1] == item for n in subs) + 1}":
                raise SeedError(f"小項目 out of order: {s!r}")
            subs.append((sub, item, m[1], m[2].strip()))
    return sheets, subs


def related_plans(raw: str) -> list[str]:
    """Split the 関連計画 cell on ・ bullets (when it starts with one) or on 、."""
    raw = FOOTNOTE_MARK.sub("", raw).strip()
    if raw in NONE_CELLS:
        return []
    if raw.startswith("・"):
        return [p.strip() for p in raw.split("・") if p.strip()]
    return [p.strip() for line in cell_lines(raw) for p in line.lstrip("・").split("、")]


def to_number(text: str) -> int | float:
    t = text.replace(",", "")
    return float(t) if "." in t else int(t)


def find_targets(m: dict, dec: dict, fys: list[int]) -> tuple[dict, list[str]]:
    """Targets printed in the year texts, and remarks on numbers that were not used."""
    unit, found, remarks = dec["unit"], {}, []
    default = r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*" + re.escape(unit)
    pattern = dec.get("pattern", default)
    for fy in fys:
        text = m["years"][str(fy)]["plan"]
        if not pattern or not (mt := re.search(pattern, text)):
            continue
        value, target_fy = to_number(mt[1]), fy
        if dl := re.search(r"令和(\d+)年度末?まで", text[mt.end() :].split("\n")[0]):
            target_fy = 2018 + int(dl[1])
        if target_fy not in fys:
            remarks.append(
                f"{value:,}{unit}は令和{target_fy - 2018}年度（{target_fy}）の目標で"
                "計画期間外のため目標値にしない"
            )
        elif target_fy in dec.get("years", fys):
            if found.setdefault(target_fy, value) != value:
                raise SeedError(f"{m['key']}: conflicting targets for {target_fy}")
    return found, list(dict.fromkeys(remarks))


def build_indicator(m: dict, dec: dict, fys: list[int], notes: dict) -> dict:
    """Indicator of a 【数値目標】 measure: targets only where the text prints a number."""
    found, remarks = find_targets(m, dec, fys)
    missing = [fy for fy in fys if fy not in found]
    remarks = ([dec["note"]] if dec.get("note") else []) + remarks
    merged = [f"{s[0]}〜{s[-1]}は結合セルを各年度に複写" for s in m["merged_years"]]
    none = ["目標値なし: " + "・".join(map(str, missing))] if missing else []
    ind = {
        "name": dec["name"],
        "unit": dec["unit"],
        "direction": dec["direction"],
        "cumulative": "（累計）" in m["name"],
        "note": "。".join(remarks + none + merged),
        "targets": {str(k): found[k] for k in sorted(found)},
    }
    notes["indicators"].append(
        f"{m['key']} {m['name']}: {ind['name']}（{ind['unit'] or '単位なし'}）, "
        f"direction={ind['direction']}, cumulative={str(ind['cumulative']).lower()}, "
        f"targets={json.dumps(ind['targets'])} — why: {dec['why']}"
    )
    if missing:
        notes["no_target"].append(
            f"{m['key']} {m['name']}: 目標値のない年度 / years without a target: "
            f"{', '.join(map(str, missing))}" + "".join(f" — {r}" for r in remarks + merged)
        )
    return ind


BETTER = {"increase": "more", "at_least": "more", "decrease": "less", "at_most": "less"}
BOUND_OF = {"at_least": "at_least", "at_most": "at_most"}


def read_targets(m: dict, dec: dict, fys: list[int]) -> dict[int, tuple[int | float, bool]]:
    """Every number printed as a target: its year and whether a column before that year
    already named it (「（令和N年度末まで）」: an end value, even past the plan's last year)."""
    unit, found = dec["unit"], {}
    pattern = dec.get("pattern", r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*" + re.escape(unit))
    for fy in fys:
        text = m["years"][str(fy)]["plan"]
        if not pattern or not (mt := re.search(pattern, text)):
            continue
        value, target_fy = to_number(mt[1]), fy
        if dl := re.search(r"令和(\d+)年度末?まで", text[mt.end() :].split("\n")[0]):
            target_fy = 2018 + int(dl[1])
        if "years" in dec and target_fy not in dec["years"]:
            continue
        old, early = found.get(target_fy, (value, False))
        if old != value:
            raise SeedError(f"{m['key']}: conflicting targets for {target_fy}")
        found[target_fy] = (value, early or fy < target_fy)
    return found


def spans(years: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for y in sorted(years):
        if out and out[-1][1] == y - 1:
            out[-1] = (out[-1][0], y)
        else:
            out.append((y, y))
    return out


def build_indicators(m: dict, dec: dict, fys: list[int]) -> list[dict]:
    """The measure's indicators in the full model (kanazawa_desktop.domain.indicator's plain
    data): spelled out in the decisions where one cell holds several (No.86), each checked
    against the year texts; otherwise one, read from the year texts."""
    if "indicators" in dec:
        out = []
        for i, d in enumerate(dec["indicators"], 1):
            years = [fy for fy in fys if d["text"] in m["years"][str(fy)]["plan"]]
            if not years:
                raise SeedError(f"{m['key']}: 「{d['text']}」 is in no year's text")
            targets = [{**d["target"], "first": a, "last": b} for a, b in spans(years)]
            out.append(
                _indicator(m, f"{m['key']}-{i}", d["name"], d["unit"], d["better"], targets, "")
            )
        return out
    kind, targets = dec.get("kind"), []
    for fy, (value, early) in sorted(read_targets(m, dec, fys).items()):
        if early or kind == "end":
            targets.append({"kind": "end", "year": fy, "value": value})
        elif dec["direction"] in BOUND_OF:
            targets.append(
                {
                    "kind": "limit",
                    "bound": BOUND_OF[dec["direction"]],
                    "value": value,
                    "first": fy,
                    "last": fy,
                    "maintain": False,
                }
            )
        else:
            targets.append({"kind": "year", "year": fy, "value": value})
    if unset := dec.get("to_be_set"):
        years = [fy for fy in fys if unset["text"] in m["years"][str(fy)]["plan"]]
        if not years:
            raise SeedError(f"{m['key']}: 「{unset['text']}」 is in no year's text")
        targets += [
            {"kind": "to_be_set", "reason": unset["text"], "first": a, "last": b}
            for a, b in spans(years)
        ]
    return [
        _indicator(
            m,
            m["key"],
            dec["name"],
            dec["unit"],
            BETTER[dec["direction"]],
            targets,
            dec.get("note", ""),
        )
    ]


def _indicator(
    m: dict, key: str, name: str, unit: str, better: str, targets: list, note: str
) -> dict:
    return {
        "key": key,
        "name": name,
        "unit": unit,
        "owner_kind": "measure",
        "owner_key": m["key"],
        "better": better,
        "targets": targets,
        "category": "",
        "series": "",
        "note": note,
        "baseline": {
            "value": None,
            "year": None,
            "cumulative": "（累計）" in m["name"],
            "starts": None,
        },
    }


def measure_from(sheet: dict, row: dict, repeat_of: int | None, fys: list[int]) -> dict:
    return {
        "key": f"再掲-No.{repeat_of}" if repeat_of else f"No.{sheet['number']}",
        "number": sheet["number"],
        "repeat_of": repeat_of,
        "node": sheet["node"],
        "name": clean(sheet["raw"]),
        "list_name": clean(row["raw"]),
        "numeric": "【数値目標】" in sheet["raw"],
        "departments": sheet["departments"],
        "summary": sheet["概要"],
        "vision": sheet["めざす姿"],
        "related_plans": related_plans(sheet["related_raw"]),
        "resources": sheet["resources"],
        "years": {str(fy): {"plan": sheet["years"][fy]} for fy in fys},
        "merged_years": sheet["merged"],
        "indicator": None,
        "indicators": [],
    }


def pair_rows(sheets: list, rows: list) -> list[tuple[dict, dict]]:
    """Pair each sheet with its 一覧 row: numbered by number, 【再掲】 in order."""
    by_number = {r["number"]: r for r in rows if r["number"]}
    repeats = [r for r in rows if r["number"] is None]
    numbers = [s["number"] for s in sheets if s["number"]]
    if numbers != list(range(1, len(numbers) + 1)) or sorted(by_number) != numbers:
        raise SeedError("numbered measures are not 1..N exactly once in both 一覧 and sheets")
    if len(repeats) != sum(s["number"] is None for s in sheets):
        raise SeedError("【再掲】 rows of the 一覧 and sheets differ in count")
    pairs = [(s, by_number[s["number"]] if s["number"] else repeats.pop(0)) for s in sheets]
    if [r["number"] for _, r in pairs] != [r["number"] for r in rows] or any(
        s["item"] != r["item"] for s, r in pairs
    ):
        raise SeedError("sheet order or 項目 differs from the 一覧")
    return pairs


def name_diff(a: str, b: str) -> str:
    if re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b):
        return " (空白のみ / spacing only)"
    return " (大文字小文字 / letter case)" if norm(a) == norm(b) else ""


def compare_measure(m: dict, row: dict, sheet: dict, notes: dict) -> None:
    """Record list/sheet differences and layout irregularities of one measure."""
    key, last = m["key"], m["years"][max(m["years"])]["plan"]
    if m["name"] != m["list_name"]:
        notes["names"].append(
            f"{key}: 一覧「{m['list_name']}」 / 管理票「{m['name']}」"
            f"{name_diff(m['list_name'], m['name'])} → name=管理票, list_name=一覧"
        )
    if row["departments"] != m["departments"]:
        notes["departments"].append(
            f"{key}: 一覧 {'、'.join(row['departments'])} / 管理票 "
            f"{'、'.join(m['departments'])} → 管理票を採用 / sheet used"
        )
    if ("【数値目標】" in row["raw"]) != m["numeric"]:
        raise SeedError(f"{key}: 【数値目標】 differs between 一覧 and 管理票")
    if sheet["results"] or row["status"]:
        raise SeedError(f"{key}: 実施結果 or 計画達成状況 is filled in")
    for span in sheet["merged"]:
        text = m["years"][str(span[0])]["plan"].replace("\n", " ")
        notes["merged"].append(f"{key}: {span[0]}〜{span[-1]}「{text}」")
    for pos, text in sheet["extras"]:
        same = (
            "令和8年度と同文 / same text as 令和8年度"
            if "\n".join(cell_lines(text)) == last
            else "異なる本文 / different text"
        )
        notes["extra"].append(
            f"{key}: 実施計画のタブ位置 {pos}（どの年度見出しにもない）に余分な値"
            f"（{same}）→ 捨てた / dropped"
        )
    layout = sheet["layout"][:]
    raw = sheet["related_raw"]
    if raw.startswith("・") and re.search(r"\S・", raw):
        layout.append(
            f"関連計画の「・」が空白なしで前の計画に続く「{raw}」→ 箇条として分割 / glued ・ bullet split"
        )
    if "、" in raw:
        layout.append(f"関連計画が「、」区切り「{raw}」→ 分割 / separated by 、")
    if " 【数値目標】" in row["raw"]:
        layout.append("一覧で【数値目標】の前に空白 / space before 【数値目標】 in the 一覧")
    if any(re.search(r"<li[^>]*>\s*・", c) for c in sheet["plan_cells"]):
        layout.append("<li> の中にも「・」（二重の箇条）→ 一つにした / ・ inside <li> dropped")
    notes["layout"] += [f"{key}: {x}" for x in layout]


def compare_fields(a: dict, b: dict, fields: list[str]) -> list[str]:
    def show(v):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)

    return [f"{f}: {show(a[f])} ≠ {show(b[f])}" for f in fields if a[f] != b[f]]


def check_decided_texts(measures: list[dict], front: str, dec: dict, notes: dict) -> None:
    """Typos (in a measure) and variants (in the text before the 一覧) must be in the seed."""
    by_key = {m["key"]: m for m in measures}
    for t in dec["typos"]:
        if t["text"] not in json.dumps(by_key[t["key"]], ensure_ascii=False):
            raise SeedError(f"decided typo {t['text']!r} not found in {t['key']}")
        notes["typos"].append(f"{t['key']}: 「{t['text']}」 — {t['comment']}")
    for v in dec["variants"]:
        if v["text"] not in front:
            raise SeedError(f"decided variant {v['text']!r} not found before the 一覧")
        notes["variants"].append(f"{v['key']}: {v['where']}「{v['text']}」 — {v['comment']}")


def sample_notes(lines: list[str], by_key: dict, rows: list, fys: list[int], notes: dict) -> None:
    """Compare the 見える化 sample (list and sheets) with the real ones; it is never data."""
    real, seen = {r["number"]: r for r in rows}, []
    for kind, part in sheet_blocks(lines):
        if kind == "line" and (row := list_row(part)):
            r, seen = real[row["number"]], seen + [row]
            if (row["raw"], row["departments"]) != (r["raw"], r["departments"]):
                notes["sample"].append(
                    f"No.{row['number']}: サンプル一覧 ≠ 一覧 / sample list row differs"
                )
        elif kind == "sheet":
            s = parse_block(part) | {"node": None}
            m = measure_from(s, s, None, fys)
            notes["sample"] += [
                f"{m['key']}: サンプル管理票 ≠ 管理票 / sample sheet vs sheet — {d}"
                for d in compare_fields(
                    m, by_key[m["key"]], ["name", "summary", "vision", "resources", "years"]
                )
            ]
            notes["sample"].append(
                f"{m['key']}: サンプル管理票の実施結果「{' '.join(s['results'])}」は例示 / example results ignored"
            )
    statuses = [x for r in seen for x in r["status"]]
    notes["sample"].append(
        f"サンプル一覧 No.{seen[0]['number']}-{seen[-1]['number']} の計画達成状況（"
        + "、".join(f"{v} {statuses.count(v)}件" for v in sorted(set(statuses)))
        + "）は例示 / example statuses ignored"
    )
    if any("〇" in line for line in lines):
        notes["sample"].append(
            "サンプル頁は資源の印に「〇」(U+3007)、管理票は「○」(U+25CB)。どちらも可 / both marks accepted"
        )


def build_nodes(policies: list, items: list, subs: list) -> list[dict]:
    """Hierarchy nodes in printed order, parents before children."""
    nodes = []
    for pn, ptitle in policies:
        nodes.append({"key": pn, "parent": None, "level": 1, "label": f"方針{pn}", "title": ptitle})
        for key, label, title in (i for i in items if i[0].startswith(pn + "-")):
            nodes.append({"key": key, "parent": pn, "level": 2, "label": label, "title": title})
            nodes += [
                {"key": sk, "parent": key, "level": 3, "label": lab, "title": t}
                for sk, parent, lab, t in subs
                if parent == key
            ]
    return nodes


def build(seeds: Path, decisions: Path = DECISIONS) -> dict[str, str]:
    """Parse the seed; return {file name: content} for the JSON and the notes."""
    dec = json.loads(decisions.read_text(encoding="utf-8"))
    path = seeds / dec["seed_file"]
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if f"# {dec['plan']['name']}（案）" not in lines:
        raise SeedError("the title is not as decided")
    notes = {sid: [] for sid, _ in SECTIONS}
    reg = find_regions(lines)
    policies, items, rows = parse_list(lines[slice(*reg["list"])])
    sheets, subs = parse_sheets(lines[slice(*reg["sheets"])], {k: t for k, _, t in items})
    fys = sorted({fy for s in sheets for fy in s["years"]})
    if f"令和{fys[0] - 2018}年度から令和{fys[-1] - 2018}年度まで" not in text:
        raise SeedError("years of the sheets differ from the 推進期間")
    by_name = {norm(clean(s["raw"])): s["number"] for s in sheets if s["number"]}
    measures = []
    for sheet, row in pair_rows(sheets, rows):
        repeat_of = None if sheet["number"] else by_name[norm(clean(sheet["raw"]))]
        measures.append(measure_from(sheet, row, repeat_of, fys))
        compare_measure(measures[-1], row, sheet, notes)
    by_key = {m["key"]: m for m in measures}
    fields = ["name", "departments", "summary", "vision", "related_plans", "resources", "years"]
    for m in (m for m in measures if m["repeat_of"]):
        notes["repeats"] += [
            f"{m['key']} vs No.{m['repeat_of']}: {d} → 各管理票の印字どおり / each kept as printed"
            for d in compare_fields(m, by_key[f"No.{m['repeat_of']}"], fields)
        ]
    if {str(m["number"]) for m in measures if m["numeric"]} != set(dec["indicators"]):
        raise SeedError("indicator decisions do not match the 【数値目標】 measures")
    for m in (m for m in measures if m["numeric"]):
        m["indicator"] = build_indicator(m, dec["indicators"][str(m["number"])], fys, notes)
        m["indicators"] = build_indicators(m, dec["indicators"][str(m["number"])], fys)
        d = dec["indicators"][str(m["number"])]
        for why in (
            d.get("why_kind"),
            d.get("why_indicators"),
            (d.get("to_be_set") or {}).get("why"),
        ):
            if why:
                notes["indicators"].append(
                    f"{m['key']} 指標の型 / indicator model: "
                    f"{', '.join(i['key'] for i in m['indicators'])} — why: {why}"
                )
    departments = list(dict.fromkeys(d for r in rows for d in r["departments"]))
    if {d for m in measures for d in m["departments"]} - set(departments):
        raise SeedError("a sheet names a department missing from the 一覧")
    none_marks = sorted({s["related_raw"] for s in sheets if s["related_raw"] in NONE_CELLS - {""}})
    notes["layout"].append(
        f"関連計画なしの印が「{'」「'.join(none_marks)}」と混在 → [] / mixed none marks"
    )
    check_decided_texts(measures, "\n".join(lines[: reg["sample"][0]]), dec, notes)
    sample_notes(lines[slice(*reg["sample"])], by_key, rows, fys, notes)
    nodes = build_nodes(policies, items, subs)
    notes["source"] = [
        f"{dec['seed_file']} sha256={hashlib.sha256(path.read_bytes()).hexdigest()}",
        f"一覧 lines {reg['list'][0] + 1}-{reg['list'][1]}; 管理票 lines {reg['sheets'][0] + 1}-"
        f"{reg['sheets'][1]}; 見える化 sample lines {reg['sample'][0] + 1}-{reg['sample'][1]}",
        f"plan name「{dec['plan']['name']}」 — {dec['plan']['why']}",
        f"measures {len(measures)} (No.1-{max(by_name.values())} + 【再掲】 "
        f"{sum(m['repeat_of'] is not None for m in measures)}); nodes by level "
        f"{[sum(n['level'] == lv for n in nodes) for lv in (1, 2, 3)]}; departments {len(departments)}; "
        f"【数値目標】 {sum(m['numeric'] for m in measures)}; years {fys[0]}-{fys[-1]}",
    ]
    notes["general"] = GENERAL
    data = {
        "schema": 1,
        "departments": departments,
        "nodes": nodes,
        "measures": measures,
        "plan": {
            "code": dec["plan"]["code"],
            "name": dec["plan"]["name"],
            "first_fy": fys[0],
            "last_fy": fys[-1],
            "levels": ["方針", "項目", "小項目"],
        },
    }
    return {
        JSON_NAME: json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        NOTES_NAME: render_notes(notes),
    }


def render_notes(notes: dict) -> str:
    out = [
        "# seed_notes — 金沢市行政経営プラン",
        "",
        "tools/build_plan_data.py が生成（手で編集しない）。 / Generated by tools/build_plan_data.py; do not edit.",
        "",
    ]
    for n, (sid, title) in enumerate(SECTIONS, 1):
        out += [f"## {n}. {title}", "", *([f"- {x}" for x in notes[sid]] or ["- なし / none"]), ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--out", type=Path, default=ROOT / "resources")
    ap.add_argument("--check", action="store_true", help="exit 1 if the bundled files are stale")
    args = ap.parse_args(argv)
    files = build(args.seeds)
    if args.check:
        stale = [
            n
            for n, c in files.items()
            if not (args.out / n).is_file() or (args.out / n).read_text(encoding="utf-8") != c
        ]
        if stale:
            print(f"bundled plan data is stale: {', '.join(stale)} (run tools/build_plan_data.py)")
            return 1
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (args.out / name).write_text(content, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
