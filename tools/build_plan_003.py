#!/usr/bin/env python3
"""Build the bundled 第3次金沢版総合戦略 data (seed 003) from the seed text.

Contract:
  input   <seeds>/<seed_file> (the strategy, converted from PDF to text) and the hand-made
          decisions in tools/seed_decisions_003.json (plan name, levels, target kinds,
          directions, typos and unit remarks), each with a "why";
  output  <out>/plan_sogo_senryaku_3.json (plan schema 2) and <out>/seed_notes_003.md (every
          irregularity of the seed and every decision taken, Japanese + English); both are
          deterministic byte for byte;
  data    comes only from "Ⅱ 基本目標と具体的な施策" up to the colophon: 4 基本目標 (with their
          数値目標 and 基本的方向), 施策 (1)…, and under each 施策 its items ①… (title,
          description, KPI block, （具体的な事業）); the 目次 and the overview are compared,
          never loaded; the ※N marks stay in the loaded texts (「金沢版ネウボラ※6」) and all the
          numbered notes (※1-※10, the preamble's too) are the plan's glossary (用語解説);
  strict  a line or a KPI the script does not know raises SeedError instead of being guessed;
  --check rebuilds in memory and exits 1 with a one-line message if the files differ.
Stdlib only, plus kanazawa_desktop.domain.indicator (stdlib only itself) to construct and
serialise indicators.  Usage: python tools/build_plan_003.py [--seeds DIR] [--out DIR] [--check]
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kanazawa_desktop.domain.indicator import (  # noqa: E402
    Baseline,
    Better,
    Bound,
    EndValue,
    Indicator,
    Limit,
    OwnerKind,
    PeriodSum,
    ToBeSet,
    era_label,
    indicator_to_dict,
    number_text,
)

DECISIONS = Path(__file__).resolve().parent / "seed_decisions_003.json"
JSON_NAME, NOTES_NAME = "plan_sogo_senryaku_3.json", "seed_notes_003.md"
TOC_START, BODY_START = "< 目 次 >", "Ⅱ 基本目標と具体的な施策"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
GOAL_HEAD = re.compile(r"^基本目標(\d)\s+(.+)$")
POLICY_HEAD = re.compile(r"^[（(]([0-9０-９])[)）]\s*(.+)$")
ITEM_HEAD = re.compile(rf"^([{CIRCLED}])\s*(.+)$")
KPI_HEAD = re.compile(r"^K\s*P\s*I\s*[（(]重要業績評価指標[)）]$")
PROJ_HEAD = re.compile(r"^[（(]具体的な事業[)）]$")
FOOTNOTE = re.compile(r"^※(\d+)\s*(.+)$")
# the preamble writes some marks as 「SDGs^{※2}」 (the PDF's superscript): read as 「※2」
SUPER_MARK = re.compile(r"\^\{(※\d+)\}")
REPEAT = re.compile(r"\s*[〔\[［]再掲[〕\]］]\s*")
NUM = r"\d[\d,]*(?:\.\d+)?"
BASE = re.compile(
    rf"(?:^|(?<=\s))(?:(?P<num>{NUM})\s*(?P<unit>[^\d\s（()）][^（()）\s]*(?:（地区）)?)?\s*"
    r"[（(](?P<era>[RH])\s*(?P<year>\d+)\s*(?P<nendo>年度)?\s*(?P<cum>までの累計)?[)）]"
    r"|R\s*(?P<start>\d+)\s*年度(?P<sword>運用|制度)?開始)\s*$"
)
TARGET = re.compile(
    rf"^(?:(?P<num>{NUM})\s*(?P<unit>.*?)\s*(?P<bound>以上を維持|以上)?\s*"
    r"[（(]R\s*(?P<y1>\d+)(?:\s*[～~]\s*R\s*(?P<y2>\d+))?[)）]|(?P<reset>再設定))$"
)
SUM_SPAN = re.compile(r"[（(]R(\d+)～R(\d+)\s*の合計[)）]")
SECTIONS = [  # (id, Japanese / English title) in the order printed
    ("source", "出典と件数 / Source and counts"),
    ("general", "全般的な判断 / General decisions"),
    ("levels", "段の名前 / The plan's level words"),
    ("names", "目次・概要と本文の名称の相違 / Names differing between 目次/overview and body"),
    ("headings", "見出しと構造 / Headings and structure"),
    ("broken", "PDF変換で崩れた表・箇条 / Tables and lists broken by the PDF conversion"),
    ("footnotes", "注記（※N）と用語解説 / Footnotes, loaded as the glossary"),
    ("indicators", "指標の判断 / Indicator decisions"),
    ("kpi_repeats", "指標の再掲 / KPIs shown in several places"),
    ("project_repeats", "具体的な事業の再掲 / Repeated 具体的な事業"),
    ("units", "単位・名称・累計の不一致 / Units, names and 累計 that disagree"),
    ("inexpressible", "指標モデルで表せないもの / What the indicator model cannot express"),
    ("typos", "誤字・誤記の疑い（印字のまま） / Suspected typos, kept as printed"),
]
GENERAL = [
    "データは「Ⅱ 基本目標と具体的な施策」から奥付の前までの本文からのみ取る。目次・概要図・「2. 基本目標」の一覧は比較だけ（§4）。 / Data comes only from the body (Ⅱ up to the colophon); the 目次, the overview and the list in 2. are only compared (§4).",
    "基本目標は level 1 の node（description は基本的方向の箇条を「・」付きで1行1項目）、施策 (1)… は level 2 の node。①… は取組（measure）で node は施策の key、key は「<基本目標>-<施策>-<①>」、number は印字順の通し番号。 / Goals are level-1 nodes (description: the 基本的方向 bullets), 施策 level-2 nodes; the ① items are the measures, keyed goal-policy-①, numbered 1..N in printed order.",
    "取組の summary は説明の段落（改行区切り）。vision・related_plans・resources・years・departments は本文にないので空。 / summary is the description paragraph(s); the seed has no vision, related plans, resources, yearly texts or departments.",
    "（具体的な事業）の各「・」は details.projects の {text, repeat}。〔再掲〕［再掲］[再掲] の印は repeat=true として本文から除く。 / Each ・ bullet of （具体的な事業） is one project; a 再掲 mark in any bracket style sets repeat and is removed from the text.",
    "※N の注記記号は本文に印字どおり残し（「金沢版ネウボラ※6」、「^{※2}」は「※2」）、番号付きの注記10件（読み込まない前文の※1～※5も）は計画の用語解説（glossary: 記号、「：」の前が用語、後が説明）として読み込む（§7）。他の表記（全角英字、PDF変換による「K P I」「M a a S」「U J I」等の字間の空白、誤字）は印字どおり。 / ※N marks are kept as printed (^{※2} read as ※2); all ten numbered footnotes, the preamble's included, are loaded as the plan's glossary (term before the first 「：」, else \":\"; text after) (§7); everything else is kept as printed, spaced letters and typos included.",
    "numeric は KPI 欄に指標がある（再掲だけでも）場合 true。 / numeric is true where the item's KPI block lists any indicator, repeats included.",
]


class SeedError(Exception):
    """The seed does not have the structure this script knows."""


def norm(text: str) -> str:
    """Comparison form: NFKC, no whitespace, no 再掲 mark, no ※N mark (a repeat printed
    without the note's mark is the same text)."""
    text = re.sub(r"※\d+", "", SUPER_MARK.sub(r"\1", text))
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", REPEAT.sub("", text)))


def squash(text: str) -> str:
    """Runs of whitespace (tabs from the PDF tables) become one space; ※N marks are kept
    (「^{※2}」 written 「※2」), the glossary explains them."""
    return re.sub(r"\s+", " ", SUPER_MARK.sub(r"\1", text)).strip()


def glossary(lines: list[str]) -> list[dict[str, str]]:
    """Every numbered footnote of the seed (「※6 ネウボラ：…」, a second line joined) as a
    glossary entry {mark, term, text}: the term before the first 「：」 (else the first
    「:」: ※10 has only that, ※4 has both, its 「:」 inside the term), the text after."""
    notes: list[list[str]] = []  # [mark, body]
    inside = False
    for raw in lines:
        s = raw.strip()
        if not s:
            inside = False
        elif m := re.match(r"^(※\d+)\s*(.+)$", s):
            notes.append([m[1], m[2]])
            inside = True
        elif inside:
            notes[-1][1] += s
    entries = []
    for mark, body in notes:
        sep = "：" if "：" in body else ":"
        if sep not in body:
            raise SeedError(f"footnote {mark} without 「：」: {body!r}")
        term, text = body.split(sep, 1)
        entries.append({"mark": mark, "term": squash(term), "text": squash(text)})
    marks = [e["mark"] for e in entries]
    if marks != [f"※{n}" for n in range(1, len(marks) + 1)]:
        raise SeedError(f"footnotes out of order: {marks}")
    return entries


def check_marks(data: dict, entries: list[dict[str, str]]) -> None:
    """Every ※N a loaded text carries is explained by the glossary."""
    known = {e["mark"] for e in entries}
    found = set(re.findall(r"※\d+", json.dumps(data, ensure_ascii=False)))
    if found - known:
        raise SeedError(f"marks without a footnote: {sorted(found - known)}")


def era_year(era: str, n: str) -> int:
    return (2018 if era == "R" else 1988) + int(n)


def number(text: str) -> int | float:
    t = text.replace(",", "")
    return float(t) if "." in t else int(t)


# ---- the 目次 and the body, line by line -----------------------------------------------------


def parse_toc(lines: list[str]) -> tuple[list, list]:
    """(goals [(n, title)], policies [(goal n, policy n, title)]) of the 目次."""
    start = lines.index(TOC_START)
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == "I 基本的な考え方")
    end = next(i for i in range(end + 1, len(lines)) if lines[i] == "I 基本的な考え方")
    goals, policies = [], []
    for line in lines[start:end]:
        if m := re.fullmatch(r"基本目標(\d) (.+)\t\d+", line):
            goals.append((m[1], m[2]))
        elif goals and (m := re.fullmatch(r"\((\d)\) (.+)\t\d+", line)):
            policies.append((goals[-1][0], m[1], m[2]))
    return goals, policies


def parse_body(lines: list[str], first: int, notes: dict) -> list[dict]:
    """Goals with their targets, direction, policies and items, in printed order."""
    goals: list[dict] = []
    mode, in_note, item, where = "", False, None, ""
    heads = {"kpi": [], "proj": [], "policy": []}
    for no, raw in enumerate(lines, first + 1):
        s = raw.strip()
        if not s:
            if raw:
                notes["broken"].append(f"{where}: 空白だけの行（{no}行目）→ 無視 / blank line")
            in_note = False
            continue
        if in_note:  # a footnote's second line (※6)
            notes["footnotes"][-1] += s
            continue
        if m := FOOTNOTE.match(s):
            in_note = True
            notes["footnotes"].append(
                f"※{m[1]}（{no}行目, {where} の{SECTION_WORD[mode]}の途中）: {m[2]}"
            )
            continue
        if (m := GOAL_HEAD.match(s)) and not raw.startswith("-"):
            goals.append({"n": m[1], "title": m[2], "targets": [], "direction": [], "policies": []})
            mode, where = "goal", f"基本目標{m[1]}"
            continue
        goal = goals[-1] if goals else None
        if goal is None:
            raise SeedError(f"line {no}: text before the first 基本目標: {s!r}")
        if s == "数値目標" and mode == "goal":
            mode = "targets"
        elif s == "基本的方向" and mode == "targets":
            mode = "direction"
        elif PROJ_HEAD.match(s):
            if mode != "kpi":
                raise SeedError(f"line {no}: （具体的な事業） outside an item's KPI block")
            mode = "projects"
            heads["proj"].append(s)
        elif KPI_HEAD.match(s):
            if mode != "desc":
                raise SeedError(f"line {no}: KPI header outside an item")
            mode = "kpi"
            heads["kpi"].append(s)
        elif m := POLICY_HEAD.match(s):
            n = unicodedata.normalize("NFKC", m[1])
            goal["policies"].append({"n": n, "title": m[2], "items": []})
            heads["policy"].append(re.match(r"^[（(][0-9０-９][)）]", s)[0])
            mode, where = "policy", f"{goal['n']}-{n}"
        elif m := ITEM_HEAD.match(s):
            if mode not in ("policy", "projects"):
                raise SeedError(f"line {no}: item heading {s!r} out of place")
            policy = goal["policies"][-1]
            key = f"{goal['n']}-{policy['n']}-{m[1]}"
            item = {"key": key, "circled": m[1], "title": m[2], "desc": [], "kpi": [], "proj": []}
            policy["items"].append(item)
            mode, where = "desc", key
        elif mode == "targets":
            goal["targets"].append(raw)
        elif mode == "direction":
            goal["direction"].append(re.sub(r"^-\s*", "", s))
        elif mode == "desc":
            item["desc"].append(s)
        elif mode == "kpi":
            item["kpi"].append(raw)
        elif mode == "projects":
            item["proj"].append(raw)
        else:
            raise SeedError(f"line {no}: unexpected text in {where} ({mode}): {s!r}")
    for kind, seen in heads.items():
        forms = sorted(set(seen))
        if len(forms) > 1:
            notes["headings"].append(
                f"{HEAD_WORD[kind]}の表記が {len(forms)} 通り: "
                + "、".join(f"「{f}」{seen.count(f)}回" for f in forms)
                + " → 同じ見出しとして読む / read as the same heading"
            )
    return goals


SECTION_WORD = {
    "": "前",
    "goal": "見出し",
    "targets": "数値目標",
    "direction": "基本的方向",
    "policy": "見出し",
    "desc": "説明",
    "kpi": "KPI欄",
    "projects": "具体的な事業",
}
HEAD_WORD = {"kpi": "KPI欄の見出し", "proj": "（具体的な事業）の見出し", "policy": "施策番号"}


# ---- KPI blocks --------------------------------------------------------------------------------


def kpi_entries(lines: list[str], mark: str, where: str, notes: dict) -> list[dict]:
    """The KPI (or 数値目標) lines of one block as entries {name, rows: [(category, text)]},
    whatever the PDF made of them: one line, the value on a later line, a tab table with
    category rows, a Markdown table."""
    entries: list[dict] = []
    layouts = set()
    for raw in lines:
        s = re.sub(r"^-\s*", "", raw.strip())
        if s.startswith("|"):
            cells = [c.strip() for c in s.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            layouts.add("Markdown の表 / a Markdown table")
            s = " ".join(cells)
        elif "\t" in raw:
            cells = [c.strip() for c in raw.split("\t")]
            if len(cells) != 4:
                raise SeedError(f"{where}: KPI table row of {len(cells)} cells: {raw!r}")
            layouts.add("タブ区切りの表 / a tab-separated table")
            name, cat, base, target = cells
            if name:
                entries.append({"name": name.lstrip("・ "), "rows": []})
            elif not cat or not entries:
                raise SeedError(f"{where}: KPI table row without name or category: {raw!r}")
            entries[-1]["rows"].append((re.sub(r"\s+", "", cat), f"{base} {target}"))
            continue
        if s.startswith(mark):
            entries.append({"name": s[1:].strip(), "rows": []})
        elif s.startswith("※") and mark == "◆" and entries:
            entries[-1]["note"] = s.lstrip("※")
            notes["footnotes"].append(
                f"※（番号なし, {where}）: {s.lstrip('※')} → 直前の数値目標「{entries[-1]['name']}」の"
                "「再設定」の理由（ToBeSet の reason） / the reason of the target to be set"
            )
        elif "→" in s and entries and not entries[-1]["rows"]:
            layouts.add("値が名前の次の行 / the values on a line after the name")
            entries[-1]["name"] += " " + s
        else:
            raise SeedError(f"{where}: unknown KPI line {raw!r}")
    for e in entries:
        if not e["rows"]:
            name, arrow, target = e["name"].partition("→")
            if not arrow or "→" in target:
                raise SeedError(f"{where}: KPI without one →: {e['name']!r}")
            base = BASE.search(name.strip())
            if not base:
                raise SeedError(f"{where}: KPI baseline not understood: {name!r}")
            e["name"] = name.strip()[: base.start()].strip()
            e["rows"] = [("", f"{base[0]} → {target.strip()}")]
    for lay in sorted(layouts):
        notes["kpi_layouts"].setdefault(lay, []).append(where)
    return entries


def read_row(name: str, text: str, where: str, fys: list[int]) -> dict:
    """One KPI row: baseline, target kind and unit from its text."""
    left, _, right = text.partition("→")
    b, t = BASE.fullmatch(left.strip()), TARGET.fullmatch(right.strip())
    if not b or not t:
        raise SeedError(f"{where}: KPI values not understood: {name} {text!r}")
    row = {"base_text": squash(left), "target_text": squash(right), "remarks": []}
    unit = re.sub(r"\s+", "", t["unit"] or "")
    if b["start"]:
        row["baseline"] = Baseline(starts=2018 + int(b["start"]))
        if b["sword"]:
            row["remarks"].append(f"基準「R{b['start']}年度{b['sword']}開始」は「開始」と同じ扱い")
    else:
        bunit = re.sub(r"\s+", "", b["unit"] or "")
        if bunit.endswith("以上"):
            row["remarks"].append("基準値に「以上」（表せないので値だけ）")
            bunit = bunit[: -len("以上")]
        if bunit != unit and not t["reset"]:
            raise SeedError(f"{where}: {name}: baseline unit {bunit!r} ≠ target unit {unit!r}")
        unit = unit or bunit
        if b["cum"] and not b["nendo"]:
            row["remarks"].append(f"基準「R{b['year']} までの累計」は「年度」なし")
        row["baseline"] = Baseline(
            value=number(b["num"]), year=era_year(b["era"], b["year"]), cumulative=bool(b["cum"])
        )
    row["unit"] = unit
    if t["reset"]:
        row["target"] = ("reset", None, fys[0], fys[-1])
    else:
        y1 = 2018 + int(t["y1"])
        y2 = 2018 + int(t["y2"]) if t["y2"] else y1
        if not fys[0] <= y1 <= y2 <= fys[-1]:
            raise SeedError(f"{where}: {name}: target year outside the plan: {text!r}")
        row["target"] = (t["bound"] or "value", number(t["num"]), y1, y2)
    return row


# ---- indicators ---------------------------------------------------------------------------------


def make_indicator(key, owner_kind, owner_key, name, cat, series, row, dec, fys, notes):
    """The Indicator of one KPI row, with the decisions recorded in the notes."""
    kind, value, y1, y2 = row["target"]
    decided = {d["name"]: d for d in dec["better"]["decided"]}
    base = row["baseline"]
    if "累計" in name and not base.cumulative:
        base = Baseline(base.value, base.year, True, base.starts)
        if base.value is not None:
            notes["units"].append(
                f"{key} {name}: 名前は「累計」、基準値は「{row['base_text']}」で累計と書かない"
                " → cumulative=true（名前に従う） / the name says 累計, the baseline does not"
            )
    why = ""
    if kind == "reset":
        targets = (ToBeSet(row["note"], fys[0], fys[-1]),)
        why = "§2 to_be_set"
    elif kind == "value" and (m := SUM_SPAN.search(name)):
        first, last = 2018 + int(m[1]), 2018 + int(m[2])
        if last != y2:
            raise SeedError(f"{key}: the sum's span ends in {last}, the target in {y2}")
        targets, why = (PeriodSum(value, first, last),), "§2 sum"
    elif kind == "value":
        targets, why = (EndValue(y2, value),), "§2 end"
    elif kind == "以上":
        targets, why = (Limit(Bound.AT_LEAST, value, y1, y2),), "§2 at_least"
    else:  # 以上を維持
        targets = (Limit(Bound.AT_LEAST, value, fys[0] if y1 == y2 else y1, y2, maintain=True),)
        why = "§2 maintain"
    if name in decided:
        better, bwhy = Better(decided[name]["better"]), decided[name]["why"]
    elif kind in ("以上", "以上を維持") or base.value is None or value > base.value:
        better, bwhy = Better.MORE, "規則 / rule"
    else:
        raise SeedError(f"{key} {name}: decide its direction in the decisions file")
    ind = Indicator(
        key=key,
        name=series or name,
        unit=row["unit"],
        owner_kind=owner_kind,
        owner_key=owner_key,
        better=better,
        baseline=base,
        targets=targets,
        category=cat,
        series=series,
        note="。".join(row["remarks"]),
    )
    t = targets[0]
    notes["indicators"].append(
        f"{key} {name}{'（' + cat + '）' if cat else ''}: 「{row['base_text']} → {row['target_text']}」"
        f" → {type(t).__name__} {t.describe(ind.unit)}, baseline「{base_text(base, ind.unit)}」,"
        f" better={better.value}（{bwhy}） — {why}"
    )
    if y2 < fys[-1] and kind == "value":
        notes["indicators"].append(
            f"{key} {name}: 目標年度 R{y2 - 2018} は計画の最終年度 R{fys[-1] - 2018} より前。"
            f"以後の年度の目標は本文にない → 以後は目標なし（判定不可） / the target year is before the plan's end"
        )
    return indicator_to_dict(ind)


def base_text(b: Baseline, unit: str) -> str:
    """The baseline for the notes (H25 as H25: Baseline.describe speaks 令和 only)."""
    if b.value is None:
        return f"{era_label(b.starts)}開始" if b.starts else ""
    cum = "までの累計" if b.cumulative else ""
    return f"{number_text(b.value)}{unit}（{era_label(b.year)}{cum}）"


class Registry:
    """Indicators by comparison name: a KPI shown again is the one first defined."""

    def __init__(self) -> None:
        self.by_name: dict[str, tuple[str, str, str, str]] = {}

    def find(self, name: str, cat: str, row: dict, where: str, repeat: bool, notes: dict):
        k = norm(name) + "|" + cat
        if k not in self.by_name:
            if repeat:
                raise SeedError(f"{where}: {name} is marked 再掲 but was not defined before")
            return None
        key, first, base, target = self.by_name[k]
        if (norm(row["base_text"]), norm(row["target_text"])) != (base, target):
            raise SeedError(f"{where}: {name} repeats {key} with other values")
        mark = "〔再掲〕の印あり / marked" if repeat else "再掲の印なし / not marked 再掲"
        notes["kpi_repeats"].append(f"{where}: {name}{cat} = {key}（{first}で定義）— {mark}")
        return key

    def add(self, name, cat, row, key, where) -> None:
        self.by_name[norm(name) + "|" + cat] = (
            key,
            where,
            norm(row["base_text"]),
            norm(row["target_text"]),
        )


def block_indicators(entries, prefix, owner_kind, owner_key, where, reg, dec, fys, notes):
    """(indicator dicts defined here, keys of repeats shown here)."""
    out, repeats = [], []
    for i, e in enumerate(entries, 1):
        repeat = bool(REPEAT.search(e["name"]))
        name = squash(REPEAT.sub(" ", e["name"]))
        split = len(e["rows"]) > 1
        for j, (cat, text) in enumerate(e["rows"], 1):
            row = read_row(name, text, where, fys) | {"note": e.get("note", "")}
            found = reg.find(name, cat, row, where, repeat, notes)
            if found:
                repeats.append(found)
                continue
            key = f"{prefix}-{i}" + (f"-{j}" if split else "")
            out.append(
                make_indicator(
                    key,
                    owner_kind,
                    owner_key,
                    name,
                    cat,
                    name if split else "",
                    row,
                    dec,
                    fys,
                    notes,
                )
            )
            reg.add(name, cat, row, key, where)
    return out, repeats


# ---- projects -----------------------------------------------------------------------------------


def parse_projects(lines: list[str], where: str, notes: dict) -> list[dict]:
    out: list[dict] = []
    for raw in lines:
        s = raw.strip()
        body = re.sub(r"^-\s*", "", s)
        if s == "-":
            notes["broken"].append(f"{where}: 中身のない箇条「-」→ 無視 / empty bullet dropped")
        elif body.startswith("・"):
            text = body[1:].strip()
            repeat = bool(REPEAT.search(text))
            if repeat and not REPEAT.search(text[-6:]):
                raise SeedError(f"{where}: 再掲 mark inside a project: {text!r}")
            out.append({"text": squash(REPEAT.sub("", text)), "repeat": repeat})
            if raw.startswith(" "):
                notes["broken"].append(
                    f"{where}: 字下げされた箇条「{s[:20]}…」→ 同じ箇条として読む / indented bullet"
                )
        elif REPEAT.fullmatch(body) and out:
            out[-1]["repeat"] = True
            notes["broken"].append(
                f"{where}: 「{body}」が単独の行 → 直前の事業「{out[-1]['text'][:24]}…」の再掲の印とした"
                " / a lone 再掲 line marks the bullet before it"
            )
        else:
            raise SeedError(f"{where}: unknown project line {raw!r}")
    return out


def project_repeat_notes(measures: list[dict], notes: dict) -> None:
    """Each 再掲 project against the first project of the same (or nearly the same) text."""
    seen: list[tuple[str, str]] = []  # (measure key, text) of projects not marked 再掲
    for m in measures:
        for p in m["details"]["projects"]:
            exact = [k for k, t in seen if norm(t) == norm(p["text"])]
            if p["repeat"]:
                if exact:
                    notes["project_repeats"].append(
                        f"{m['key']}: 「{p['text'][:30]}…」= {exact[0]} と同文 / same text"
                    )
                    continue
                best = max(
                    seen, key=lambda kt: difflib.SequenceMatcher(None, kt[1], p["text"]).ratio()
                )
                ratio = difflib.SequenceMatcher(None, best[1], p["text"]).ratio()
                if ratio < 0.6:
                    raise SeedError(f"{m['key']}: 再掲 project without an original: {p['text']!r}")
                notes["project_repeats"].append(
                    f"{m['key']}: 再掲「{p['text']}」は {best[0]} の「{best[1]}」と本文が異なる"
                    " → 再掲側も印字どおり / the repeat's wording differs; each kept as printed"
                )
            else:
                if exact:
                    notes["project_repeats"].append(
                        f"{m['key']}: 「{p['text'][:30]}…」は {exact[0]} と同文だが再掲の印なし"
                        " → repeat=false のまま / same text, not marked"
                    )
                seen.append((m["key"], p["text"]))


# ---- the whole build ----------------------------------------------------------------------------


def compare_names(lines, toc_goals, toc_policies, goals, notes) -> None:
    """目次, the overview boxes and the list in 2. against the body's headings."""
    body_goals = {g["n"]: g["title"] for g in goals}
    if [n for n, _ in toc_goals] != sorted(body_goals):
        raise SeedError("goals of the 目次 and the body differ")
    listed = {m[1]: m[2] for line in lines if (m := re.fullmatch(r"- 基本目標(\d) (.+)", line))}
    text = "\n".join(lines)
    for n, title in toc_goals:
        boxed = re.search(rf"【基本目標{chr(0x245F + int(n))}】\n\n((?:.+\n)+)", text)
        shown = {"目次": title, "2. 基本目標": listed.get(n, ""), "概要図": ""}
        shown["概要図"] = "".join(boxed[1].split()) if boxed else ""
        for where, t in shown.items():
            if t != body_goals[n]:
                notes["names"].append(
                    f"基本目標{n}: {where}「{t}」/ 本文「{body_goals[n]}」 → 本文を採用 / body used"
                )
    body_policies = [(g["n"], p["n"], p["title"]) for g in goals for p in g["policies"]]
    if [(g, p) for g, p, _ in toc_policies] != [(g, p) for g, p, _ in body_policies]:
        raise SeedError("施策 of the 目次 and the body differ (a heading missing?)")
    for (g, p, t), (_, _, bt) in zip(toc_policies, body_policies, strict=True):
        if t != bt:
            notes["names"].append(f"{g}-{p}: 目次「{t}」/ 本文「{bt}」 → 本文を採用 / body used")
    if not notes["names"]:
        notes["names"].append("施策の名称は目次と本文で一致 / 施策 titles agree")


def build(seeds: Path, decisions: Path = DECISIONS) -> dict[str, str]:
    """Parse the seed; return {file name: content} for the JSON and the notes."""
    dec = json.loads(decisions.read_text(encoding="utf-8"))
    path = seeds / dec["seed_file"]
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    cover = next(line for line in lines if line.strip())
    if re.sub(r"\s+", "", cover) != dec["plan"]["name"]:
        raise SeedError("the title is not as decided")
    notes: dict = {sid: [] for sid, _ in SECTIONS} | {"kpi_layouts": {}}
    period = re.search(r"令和(\d+)（(\d{4})）年度から令和(\d+)（(\d{4})）年度の5年間", text)
    if not period:
        raise SeedError("推進期間 not found")
    fys = list(range(int(period[2]), int(period[4]) + 1))
    toc_goals, toc_policies = parse_toc(lines)
    first = lines.index(BODY_START)
    if "II 基本目標と具体的な施策" not in lines[:first]:
        raise SeedError("the 目次 lacks Ⅱ")
    notes["headings"].append(
        "目次の「II 基本目標と具体的な施策」はラテン文字 I 2字、本文は「Ⅱ」(U+2161) → 同じ見出し / II vs Ⅱ"
    )
    end = next(i for i in range(first, len(lines)) if lines[i].startswith("発 行"))
    end = max(i for i in range(first, end) if lines[i] == dec["plan"]["name"])
    goals = parse_body(lines[first + 1 : end], first + 1, notes)
    compare_names(lines, toc_goals, toc_policies, goals, notes)
    reg, nodes, node_indicators, measures = Registry(), [], [], []
    for g in goals:
        desc = "\n".join("・" + squash(x) for x in g["direction"])
        nodes.append(
            {
                "key": g["n"],
                "parent": None,
                "level": 1,
                "label": f"基本目標{g['n']}",
                "title": squash(g["title"]),
                "description": desc,
            }
        )
        where = f"基本目標{g['n']} 数値目標"
        entries = kpi_entries(g["targets"], "◆", where, notes)
        inds, _ = block_indicators(
            entries, f"GOAL-{g['n']}", OwnerKind.GOAL, g["n"], where, reg, dec, fys, notes
        )
        node_indicators += inds
        for p in g["policies"]:
            pkey = f"{g['n']}-{p['n']}"
            nodes.append(
                {
                    "key": pkey,
                    "parent": g["n"],
                    "level": 2,
                    "label": f"({p['n']})",
                    "title": squash(p["title"]),
                    "description": "",
                }
            )
            circled = [it["circled"] for it in p["items"]]
            if circled != list(CIRCLED[: len(circled)]) or not circled:
                raise SeedError(f"{pkey}: items out of order: {circled}")
            for it in p["items"]:
                measures.append(build_measure(it, pkey, len(measures) + 1, reg, dec, fys, notes))
    project_repeat_notes(measures, notes)
    check_decided(text, measures, node_indicators, dec, notes)
    for lay, wheres in sorted(notes.pop("kpi_layouts").items()):
        notes["broken"].insert(
            0,
            f"KPI欄が{lay}（{len(wheres)}箇所: {', '.join(wheres)}）→ 指標として読んだ / read as KPIs",
        )
    notes["levels"].append(
        f"{dec['levels']['levels']}, item「{dec['levels']['item']}」 — {dec['levels']['why']}"
    )
    notes["general"] = (
        GENERAL
        + [f"{k}: {v}" for k, v in dec["targets"].items()]
        + [f"better: {dec['better']['why']}"]
    )
    all_inds = node_indicators + [i for m in measures for i in m["indicators"]]
    entries = glossary(lines)
    notes["footnotes"].append(
        f"注記{len(entries)}件（{entries[0]['mark']}～{entries[-1]['mark']}）を計画の用語解説（glossary）として読み込んだ。"
        "本文の記号はそのまま残す。 / all loaded as the plan's glossary; the marks stay in the texts"
    )
    notes["source"] = [
        f"{dec['seed_file']} sha256={hashlib.sha256(path.read_bytes()).hexdigest()}",
        f"本文 lines {first + 1}-{end}; 目次 lines {lines.index(TOC_START) + 1}-",
        f"plan name「{dec['plan']['name']}」 — {dec['plan']['why']}",
        f"基本目標 {len(goals)}; 施策 {len(nodes) - len(goals)}; 取組 {len(measures)}; "
        f"指標 {len(all_inds)}（数値目標 {len(node_indicators)}、KPI {len(all_inds) - len(node_indicators)}）; "
        f"KPI の再掲 {sum(len(m['details']['kpi_repeats']) for m in measures)}; "
        f"具体的な事業 {sum(len(m['details']['projects']) for m in measures)}"
        f"（うち再掲 {sum(p['repeat'] for m in measures for p in m['details']['projects'])}）; "
        f"years {fys[0]}-{fys[-1]}",
    ]
    data = {
        "schema": 2,
        "plan": {
            "code": dec["plan"]["code"],
            "name": dec["plan"]["name"],
            "first_fy": fys[0],
            "last_fy": fys[-1],
            "levels": dec["levels"]["levels"],
            "item": dec["levels"]["item"],
            "sheet": {k: dec["sheet"][k] for k in ("rows", "words")},
            "glossary": entries,
        },
        "departments": [],
        "nodes": nodes,
        "node_indicators": node_indicators,
        "measures": measures,
    }
    check_marks({k: v for k, v in data.items() if k != "plan"}, entries)
    return {
        JSON_NAME: json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        NOTES_NAME: render_notes(notes),
    }


def build_measure(it, node, number_, reg, dec, fys, notes) -> dict:
    key = it["key"]
    if not it["desc"] or not it["kpi"] or not it["proj"]:
        raise SeedError(f"{key}: description, KPI block or projects missing")
    entries = kpi_entries(it["kpi"], "・", key, notes)
    inds, repeats = block_indicators(
        entries, f"KPI-{key}", OwnerKind.MEASURE, key, key, reg, dec, fys, notes
    )
    name = squash(it["title"])
    return {
        "key": key,
        "number": number_,
        "repeat_of": None,
        "name": name,
        "list_name": name,
        "node": node,
        "numeric": bool(inds or repeats),
        "departments": [],
        "summary": "\n".join(squash(x) for x in it["desc"]),
        "vision": "",
        "related_plans": [],
        "resources": {},
        "years": {},
        "indicators": inds,
        "details": {
            "projects": parse_projects(it["proj"], key, notes),
            "kpi_repeats": repeats,
        },
    }


def check_decided(text, measures, node_indicators, dec, notes) -> None:
    """Every decided text must be in the seed; every decided name must be an indicator."""
    for t in dec["typos"]:
        if t["text"] not in text:
            raise SeedError(f"decided typo {t['text']!r} not in the seed")
        notes["typos"].append(f"{t['where']}: 「{t['text']}」 — {t['comment']}")
    inds = {i["name"]: i for i in node_indicators + [i for m in measures for i in m["indicators"]]}
    for u in dec["units"]:
        if u["name"] not in inds or inds[u["name"]]["unit"] != u["unit"]:
            raise SeedError(f"decided unit remark on {u['name']!r} does not match")
        notes["units"].append(
            f"{inds[u['name']]['key']} {u['name']}（{u['unit']}）: {u['comment']}"
        )
    for d in dec["better"]["decided"]:
        if d["name"] not in inds:
            raise SeedError(f"decided direction for an unknown indicator {d['name']!r}")
    for i in inds.values():
        b = i["baseline"]
        if b["cumulative"] and "累計" not in i["name"]:
            notes["units"].append(
                f"{i['key']} {i['name']}: 基準値は「までの累計」だが名前に「累計」なし → cumulative=true"
            )
    for r in dec["remarks"]:
        if r["text"] not in text:
            raise SeedError(f"remark text {r['text']!r} not in the seed")
        notes[r["section"]].append(f"{r['where']}: 「{r['text']}」 — {r['comment']}")
    for m in measures:
        for i in m["indicators"]:
            if i["note"]:
                notes["units"].append(f"{i['key']} {i['name']}: {i['note']}")


def render_notes(notes: dict) -> str:
    out = [
        "# seed_notes_003 — 第3次金沢版総合戦略",
        "",
        "tools/build_plan_003.py が生成（手で編集しない）。 / Generated by tools/build_plan_003.py; do not edit.",
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
            print(f"bundled plan data is stale: {', '.join(stale)} (run tools/build_plan_003.py)")
            return 1
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (args.out / name).write_text(content, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
