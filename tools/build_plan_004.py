#!/usr/bin/env python3
"""Build the bundled 金沢市デジタル戦略2.0 data from seed 004.

Contract:
  input   <seeds>/004_*.txt (the strategy, converted from PDF to text) and the hand-made
          decisions in tools/seed_decisions_004.json (name, levels, period, how the version
          marks read, missing headings, broken lines, the garbled table, the KPIs' names,
          units, directions and owners), each with a "why";
  output  <out>/plan_digital_2.json (plan JSON schema 2) and <out>/seed_notes_004.md (every
          irregularity of the seed with the decision taken, Japanese + English); both are
          deterministic byte for byte;
  data    the 目次 (pillar and item names), the 基本方針2.0 overview page (compared), the body
          〔1〕…[5] (items, 目指すべき姿, 策定までの取り組み, 具体的な取組) and the two KPI tables;
  strict  a line the script does not know raises SeedError instead of being guessed;
  --check rebuilds in memory and exits 1 with a one-line message if the files differ.
Stdlib only, except kanazawa_desktop.domain.indicator, used only to build and serialise the
indicators.  Usage: python tools/build_plan_004.py [--seeds DIR] [--out DIR] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kanazawa_desktop.domain import indicator as ind  # noqa: E402

DECISIONS = Path(__file__).resolve().parent / "seed_decisions_004.json"
JSON_NAME, NOTES_NAME = "plan_digital_2.json", "seed_notes_004.md"
CIRCLED = "①②③④⑤⑥⑦⑧⑨"
VER = r"(?:1\.5|2\.0|20)"
ARROW = r"(?:>>>|》|▶▶)"
PILLAR = re.compile(r"^[〔\[](\d)[〕\]]\s*(.+)$")
ITEM = re.compile(rf"^(?:({VER})\s*{ARROW}?\s*)?([{CIRCLED}])\s*(\S.*)$")
VISION = re.compile(r"^目指すべき姿\s*\*\*(.+)\*\*$")
ACHIEVED = re.compile(r"^[\[〔]金沢市デジタル戦略策定までの取り組み[\]〕]$")
BULLET = re.compile(rf"^-\s*(?:({VER})\s*{ARROW}?\s*)?・\s*(.+)$")
LONE_MARK = re.compile(rf"^({VER})\s*{ARROW}?$")
MARKED = re.compile(rf"^({VER})\s*(?:{ARROW}\s*|\s+)(\S.*)$")
YEAR_HEAD = "2022(R4)年度"
TOC_START, TOC_END = "4. 戦略の具現化施策 ●\t13", "5. 成果指標（KPI） ●\t28"
OVERVIEW_START, OVERVIEW_END = "5 基本方針2.0", "AIやロボットの技術的進展"
BODY_END = "金沢市デジタル戦略の基本理念である"
KPI_HEAD = re.compile(r"^K P I（成果指標）\t(.+)$")
KPI_END = "金沢市デジタル戦略の実施に当たっては"

SECTIONS = [
    ("source", "出典と件数 / Source and counts"),
    ("general", "全般的な判断 / General decisions"),
    ("headings", "見出しの欠落・重複・表記 / Missing, repeated and varying headings"),
    ("names", "目次・概要頁と本文の相違 / 目次 and overview vs. the body"),
    ("lost", "表の崩れで復元できないもの / What the broken tables lost"),
    ("joins", "改行で割れた行 / Lines broken in two"),
    ("layout", "体裁・表記の不統一 / Layout and notation irregularities"),
    ("noise", "本文でない文字（捨てた） / Text that is not data (dropped)"),
    ("kpis", "成果指標（KPI）の判断 / KPI decisions"),
    ("model", "指標モデルで表せないもの / What the indicator model cannot express"),
    ("variants", "本文の他の箇所との表記差 / Variants elsewhere in the seed"),
]


class SeedError(Exception):
    """The seed does not have the structure this script knows."""


def bullet_text(text: str) -> str:
    return re.sub(r"^・\s*", "", text.strip())


# ---- the 目次 and the overview page -------------------------------------------------------


def parse_toc(lines: list[str]) -> list[dict]:
    """Pillars [N] with their items ①… as the 目次 lists them."""
    pillars: list[dict] = []
    for line in lines[lines.index(TOC_START) + 1 : lines.index(TOC_END)]:
        text = re.sub(r"\s*●\t\d+$", "", line)
        if m := re.fullmatch(r"\[(\d)\](.+)", text):
            pillars.append({"key": m[1], "title": m[2], "items": []})
        elif m := re.fullmatch(rf"([{CIRCLED}])(.+)", text):
            pillars[-1]["items"].append((m[1], m[2]))
        else:
            raise SeedError(f"unknown 目次 line {line!r}")
    return pillars


def parse_overview(lines: list[str]) -> list[dict]:
    """The 基本方針2.0 page: pillar titles, items with their version mark and headline."""
    start = lines.index(OVERVIEW_START)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(OVERVIEW_END))
    body = [x for x in lines[start:end] if x.strip()][3:]  # heading, its title, its sentence
    pillars: list[dict] = []
    for line in body:
        if m := re.fullmatch(rf"-\s*(?:({VER})\s+)?([{CIRCLED}])\s*(.+)", line):
            pillars[-1]["items"].append({"mark": m[1] or "", "no": m[2], "name": m[3]})
        elif m := re.fullmatch(r"目指すべき姿：(.+)", line):
            pillars[-1]["items"][-1]["vision"] = m[1]
        elif not line.startswith("-"):
            pillars.append({"title": line, "items": []})
        else:
            raise SeedError(f"unknown overview line {line!r}")
    return pillars


# ---- the body -------------------------------------------------------------------------------


class Body:
    """Walks the body line by line; every line is a heading, a text of a known place, an
    action row, a decided join or noise, or the walk raises SeedError."""

    def __init__(self, dec: dict, notes: dict) -> None:
        self.dec, self.notes = dec, notes
        self.marks = dec["versions"]["marks"]
        self.known = set(dec["words"]["known"])
        self.done = set(dec["words"]["done"])
        self.pillars: list[dict] = []
        self.item: dict | None = None
        self.mode = ""
        self.pending: tuple[str, str] | None = None  # a lone version mark, its printed form
        self.joins = {(j["item"], j["second"]): j for j in dec["joins"]}
        self.used_joins: set[str] = set()
        self.noise = {line: n["item"] for n in dec["noise"] for line in n["lines"]}
        self.used_noise: set[str] = set()
        self.inserted = {h["before"]: h for h in dec["missing_headings"]}
        self.garbled = {g["item"]: g for g in dec["garbled"]}
        self.done_forms: dict[str, list[str]] = {}

    # -- structure
    def walk(self, lines: list[str]) -> list[dict]:
        for no, raw in lines:
            line = raw.strip()
            if not line:
                continue
            if line in self.inserted:
                self.notes["headings"].append(
                    f"行{no}の前: 見出し「{self.inserted[line]['heading']}」がない → 補った / "
                    f"missing heading restored — why: {self.inserted[line]['why']}"
                )
                self.line(self.inserted.pop(line)["heading"], no)
            self.line(line, no)
        self.close_item()
        if self.inserted:
            raise SeedError(f"decided headings not placed: {list(self.inserted)}")
        if unused := set(self.joins) - self.used_joins:
            raise SeedError(f"decided joins not found: {sorted(unused)}")
        if unused := set(self.noise) - self.used_noise:
            raise SeedError(f"decided noise not found: {sorted(unused)}")
        return self.pillars

    def line(self, line: str, no: int) -> None:
        if line in self.noise and self.item and self.item["key"] == self.noise[line]:
            self.used_noise.add(line)
            return
        if m := PILLAR.match(line):
            self.close_item()
            if m[1] != str(len(self.pillars) + 1):
                raise SeedError(f"pillar out of order at line {no}: {line!r}")
            self.pillars.append(
                {
                    "key": m[1],
                    "title": m[2].strip(),
                    "printed": line,
                    "description": [],
                    "items": [],
                }
            )
            self.mode = "pillar"
            return
        if m := ITEM.match(line):  # no 取組 row starts with a circled number
            self.item_heading(m, line, no)
            return
        if m := VISION.match(line):
            self.need_item(no)["vision_title"] = m[1]
            self.mode = "vision"
            return
        if ACHIEVED.match(line):
            self.need_item(no)
            if not line.startswith("["):
                self.notes["headings"].append(
                    f"{self.item['key']}: 「{line}」は〔〕、他は[] / brackets differ"
                )
            self.mode = "achieved"
            return
        if line == "具体的な取組":
            if self.mode == "actions" and not self.item["continued"]:
                self.notes["headings"].append(
                    f"{self.item['key']}: 行{no}「具体的な取組」が同じ施策の中で再び印字（次頁の表）→ 続きとして読む / "
                    "the table heading repeats (next page): read as a continuation"
                )
            self.need_item(no)
            self.mode, self.item["continued"] = "actions", False
            return
        if line == YEAR_HEAD:
            if self.mode == "actions":
                return
            if self.need_item(no)["key"] in self.garbled:
                self.mode = "garbled"
                return
            raise SeedError(f"year header outside a 具体的な取組 table at line {no}")
        getattr(self, f"in_{self.mode or 'none'}")(line, no)

    def need_item(self, no: int) -> dict:
        if self.item is None:
            raise SeedError(f"line {no} outside an item")
        return self.item

    def item_heading(self, m: re.Match, line: str, no: int) -> None:
        pillar = self.pillars[-1]
        name = m[3].strip()
        if self.item and self.item["no"] == m[2] and self.item["name"] == name:
            self.notes["headings"].append(
                f"{self.item['key']}: 行{no} 見出し「{line}」が次頁で再び印字 → 同じ施策の続き / "
                "heading repeated on the next page: a continuation"
            )
            self.item["continued"] = True
            self.mode = "head"
            return
        self.close_item()
        expected = CIRCLED[len(pillar["items"])]
        if m[2] != expected:
            raise SeedError(f"item out of order at line {no}: {line!r}")
        self.item = {
            "key": f"{pillar['key']}-{m[2]}",
            "no": m[2],
            "name": name,
            "printed": line,
            "version": self.marks[m[1]] if m[1] else "",
            "vision_title": "",
            "vision_points": [],
            "achieved": [],
            "actions": [],
            "unrecovered": None,
            "continued": False,
        }
        pillar["items"].append(self.item)
        self.mode = "head"

    def close_item(self) -> None:
        if self.pending:
            raise SeedError(f"version mark {self.pending[1]!r} before nothing")
        self.item = None

    # -- texts by place
    def in_pillar(self, line: str, no: int) -> None:
        if line.startswith(("-", "・")):
            raise SeedError(f"bullet in a pillar description at line {no}")
        self.pillars[-1]["description"].append(line)

    def in_vision(self, line: str, no: int) -> None:
        if not (m := BULLET.match(line)) or m[1]:
            raise SeedError(f"unknown line in 目指すべき姿 at {no}: {line!r}")
        self.item["vision_points"].append(m[2].strip())

    def in_achieved(self, line: str, no: int) -> None:
        if not (m := BULLET.match(line)) or m[1]:
            raise SeedError(f"unknown line in 策定までの取り組み at {no}: {line!r}")
        self.item["achieved"].append(m[2].strip())

    def in_none(self, line: str, no: int) -> None:
        raise SeedError(f"unknown line {no}: {line!r}")

    in_head = in_none

    def in_garbled(self, line: str, no: int) -> None:
        lost = self.item["unrecovered"] or {"words": [], "versions": [], "empty_bullets": 0}
        self.item["unrecovered"] = lost
        glyphs = self.garbled[self.item["key"]]["glyphs"]
        text = re.sub(r"^-\s*(?:#+\s*)?", "", line) if line.startswith("-") else line
        if not text:
            lost["empty_bullets"] += 1
        elif LONE_MARK.match(text):
            lost["versions"].append(self.marks[LONE_MARK.match(text)[1]])
        elif (word := glyphs.get(text, text)) in self.known:
            lost["words"].append(word)
            if text in glyphs:
                self.notes["layout"].append(
                    f"{self.item['key']}: 行{no}「{text}」は「{word}」の字形化け（簡体字）→ {word} / "
                    "simplified-Chinese glyph read as its Japanese form"
                )
            elif line.startswith("- #"):
                self.notes["layout"].append(
                    f"{self.item['key']}: 行{no}「{line}」見出し記号付きの語 → {word} / "
                    "a word printed as a markdown heading"
                )
        else:
            raise SeedError(f"unknown line in the garbled table at {no}: {line!r}")

    # -- the 具体的な取組 rows
    def word(self, text: str) -> str | None:
        if text in self.done:
            self.done_forms.setdefault(text, []).append(self.item["key"])
            return self.dec["words"]["done"][0]
        return text if text in self.known else None

    def current(self, no: int) -> dict:
        if not self.item["actions"]:
            raise SeedError(f"a sub-item or word before any 取組 at line {no}")
        return self.item["actions"][-1]

    def new_action(self, title: str, version: str) -> dict:
        action = {
            "title": title,
            "version": version,
            "subs": [],
            "sub_versions": [],
            "words": [],
            "unplaced_versions": [],
        }
        self.item["actions"].append(action)
        return action

    def take_pending(self) -> str:
        mark, self.pending = (self.pending or ("", ""))[0], None
        return mark

    def joined(self, text: str, no: int) -> bool:
        j = self.joins.get((self.item["key"], text))
        if not j:
            return False
        action = self.current(no)
        last = action["subs"][-1] if action["subs"] else action["title"]
        if "・" + last != j["first"] and last != j["first"]:
            raise SeedError(f"decided join at line {no} does not follow {j['first']!r}")
        if action["subs"]:
            action["subs"][-1] += text
        else:
            action["title"] += text
        self.used_joins.add((self.item["key"], text))
        self.notes["joins"].append(
            f"{self.item['key']}: 「{j['first']}」+「{text}」→ 一行 / one line — why: {j['why']}"
        )
        return True

    def in_actions(self, line: str, no: int) -> None:
        if "\t" in line:
            self.tab_row(line, no)
        elif m := BULLET.match(line):
            action = self.current(no)
            if self.pending:
                action["unplaced_versions"].append(self.take_pending())
                self.notes["lost"].append(
                    f"{self.item['key']}「{action['title']}」: 行{no}の前の単独の版の印は細目の行の前にあり、"
                    "取組名と細目のどれに付くか不明 → unplaced_versions / a lone mark before a sub-item: "
                    "its row is unknown"
                )
            action["subs"].append(m[2].strip())
            action["sub_versions"].append(self.marks[m[1]] if m[1] else "")
        elif m := LONE_MARK.match(line):
            if self.pending:
                raise SeedError(f"two lone version marks at line {no}")
            self.pending = (self.marks[m[1]], line)
        elif (word := self.word(line)) is not None:
            if self.pending:
                raise SeedError(f"a version mark before a word at line {no}")
            self.current(no)["words"].append(word)
        elif line.startswith("-"):
            raise SeedError(f"unknown bullet at line {no}: {line!r}")
        elif not self.joined(line, no):
            m = MARKED.match(line)
            if m and self.pending:
                raise SeedError(f"two version marks for line {no}")
            title = m[2] if m else line
            self.new_action(title.strip(), self.marks[m[1]] if m else self.take_pending())

    def tab_row(self, line: str, no: int) -> None:
        cells = [c.strip() for c in line.split("\t")]
        words_cell, rest = cells[-1], [c for c in cells[:-1] if c]
        marks = [
            self.marks[x] for c in rest if re.fullmatch(rf"{VER}(\s+{VER})*", c) for x in c.split()
        ]
        texts = [c for c in rest if not re.fullmatch(rf"{VER}(\s+{VER})*", c)]
        if len(texts) != 1 or self.pending:
            raise SeedError(f"unknown table row at line {no}: {line!r}")
        words = []
        for w in re.findall(r"✓\s*DONE|\S+", words_cell):
            if (word := self.word(w)) is None:
                raise SeedError(f"unknown word {w!r} at line {no}")
            words.append(word)
        text = texts[0]
        if m := MARKED.match(text):
            if marks:
                raise SeedError(f"two version marks for line {no}")
            marks, text = [self.marks[m[1]]], m[2]
        if text.startswith("・"):
            action = self.current(no)
            action["subs"].append(bullet_text(text))
            action["sub_versions"].append(marks[0] if len(marks) == 1 else "")
        else:
            title, *subs = re.split(r"\s+・", text)
            action = self.new_action(title, marks[0] if len(marks) == 1 else "")
            action["subs"] += [s.strip() for s in subs]
            action["sub_versions"] += [""] * len(subs)
        if len(marks) > 1:
            action["unplaced_versions"] += marks
            self.notes["lost"].append(
                f"{self.item['key']}「{action['title']}」: 行{no}に版の印が{len(marks)}つ"
                f"（{' '.join(marks)}）並び、どの行の印か不明 → unplaced_versions / "
                f"{len(marks)} marks on one table row: their rows are unknown"
            )
        action["words"] += words


def finish_action(action: dict, item: str, joiner: str, notes: dict) -> dict:
    """The action as the JSON holds it; records what the table lost."""
    words, subs = action["words"], action["subs"]
    where = f"{item}「{action['title']}」"
    if not words:
        notes["lost"].append(
            f"{where}: 2022年度の語がない（表の矢印・図が変換で消えた）→ years は空 / no word survived"
        )
    elif len(words) > 1 and len(words) != len(subs):
        notes["lost"].append(
            f"{where}: 語{len(words)}つ（{'・'.join(words)}）と細目{len(subs)}つ → 行との対応は不明、"
            f"印字順に連結 / {len(words)} words for {len(subs)} sub-items: which row each belongs to is lost"
        )
    out = {
        "title": action["title"],
        "version": action["version"],
        "subs": subs,
        "sub_versions": action["sub_versions"],
        "years": {"2022": joiner.join(words)} if words else {},
    }
    if action["unplaced_versions"]:
        out["unplaced_versions"] = action["unplaced_versions"]
    return out


def compare_front(
    pillars: list[dict], toc: list[dict], overview: list[dict], marks: dict, notes: dict
) -> None:
    """The body against the 目次 and the overview page; differences go to the notes."""
    if [p["title"] for p in toc] != [p["title"] for p in overview]:
        raise SeedError("pillar titles differ between the 目次 and the overview")
    if len(pillars) != len(toc):
        raise SeedError(f"{len(pillars)} pillars in the body, {len(toc)} in the 目次")
    for body, t, o in zip(pillars, toc, overview, strict=True):
        if body["title"] != t["title"]:
            raise SeedError(f"pillar {body['key']}: body {body['title']!r} vs 目次 {t['title']!r}")
        if not body["printed"].startswith("〔"):
            notes["headings"].append(
                f"{body['key']}: 本文の見出し「{body['printed']}」は [] と空白（他は〔〕） / "
                "square brackets in the body heading"
            )
        names = [(i["no"], i["name"]) for i in body["items"]]
        if [n for n, _ in names] != [n for n, _ in t["items"]] or len(o["items"]) != len(names):
            raise SeedError(f"pillar {body['key']}: items differ from the 目次/overview")
        for item, (_, toc_name), ov in zip(body["items"], t["items"], o["items"], strict=True):
            key = item["key"]
            if item["name"] != toc_name or ov["name"] != toc_name:
                raise SeedError(
                    f"{key}: name differs: {item['name']!r} {toc_name!r} {ov['name']!r}"
                )
            if (ov["mark"] and item["version"] != marks[ov["mark"]]) or (
                item["version"] and not ov["mark"]
            ):
                raise SeedError(f"{key}: version mark differs between overview and body")
            if ov["vision"] != item["vision_title"]:
                notes["names"].append(
                    f"{key}: 目指すべき姿 概要頁「{ov['vision']}」 / 本文「{item['vision_title']}」"
                    " → 本文を採用 / the body's wording is used"
                )
            if item["printed"] != f"{item['no']} {item['name']}":
                notes["headings"].append(
                    f"{key}: 本文の見出しの表記「{item['printed']}」 / heading printed as shown"
                )


# ---- KPIs -----------------------------------------------------------------------------------


def parse_kpis(lines: list[str], dec: dict) -> list[dict]:
    """The two KPI tables: group, header years, and per row the name cell and year cells."""
    start = lines.index(BODY_END)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(KPI_END))
    rows, group, intro, years = [], "", "", []
    for line in lines[start:end]:
        if line in dec["kpi_groups"]:
            group, intro = line, ""
        elif m := KPI_HEAD.match(line):
            cols = [re.fullmatch(r"(\d{4})\(R(\d)\)年度(末?)", c) for c in m[1].split("\t")]
            if not all(cols) or any(int(c[1]) - 2018 != int(c[2]) for c in cols):
                raise SeedError(f"unknown KPI header {line!r}")
            years = [(int(c[1]), bool(c[3])) for c in cols]
        elif "\t" in line:
            cells = line.split("\t")
            if len(cells) != len(years) + 1 or not group:
                raise SeedError(f"unknown KPI row {line!r}")
            rows.append(
                {
                    "group": group,
                    "intro": intro,
                    "cell": cells[0],
                    "years": years,
                    "values": cells[1:],
                }
            )
        elif group and line.strip() and not intro:
            intro = line.strip()
    return rows


def kpi_targets(row: dict, d: dict) -> tuple[list, list[str]]:
    """Targets of one KPI row from its year cells, and remarks (Japanese) for the note."""
    unit, targets, remarks = re.escape(d["unit"]), [], []
    num = r"([0-9][0-9,]*(?:\.[0-9]+)?)"
    for (fy, _end), cell in zip(row["years"], row["values"], strict=True):
        cell = cell.strip()
        if cell in ("", "-"):
            remarks.append(f"{fy}年度は{'「-」' if cell else '空欄'}（目標なし）")
            continue
        if m := re.fullmatch(num + unit + ("減" if d.get("reduction") else ""), cell):
            targets.append(ind.YearValue(fy, to_number(m[1])))
            if d.get("reduction"):
                remarks.append(f"{fy}年度の印字は「{cell}」（削減した量を値とする）")
        elif m := re.fullmatch(num + unit + r"\s*\((.+)\)", cell):
            targets.append(ind.YearValue(fy, to_number(m[1])))
            remarks.append(f"{fy}年度の目標に「（{m[2]}）」と付記")
        elif m := re.fullmatch(r"(\d+)%([増減])\s*\(" + num + unit + r"([増減])\)", cell):
            base = re.search(r"\((\d{4})年度比較\)", row["cell"])
            if not base or m[2] != m[4]:
                raise SeedError(f"a change without a base year: {row['cell']!r}")
            sign = 1 if m[2] == "増" else -1
            targets.append(
                ind.Change(int(base[1]), sign * to_number(m[1]), fy, None, sign * to_number(m[3]))
            )
        else:
            raise SeedError(f"unknown KPI value {cell!r} for unit {d['unit']!r}")
    return targets, remarks


def to_number(text: str) -> int | float:
    t = text.replace(",", "")
    return float(t) if "." in t else int(t)


def build_kpis(rows: list[dict], dec: dict, items: dict[str, dict], notes: dict) -> list:
    if len(rows) != len(dec["kpis"]):
        raise SeedError(f"{len(rows)} KPI rows, {len(dec['kpis'])} decided")
    out = []
    for n, (row, d) in enumerate(zip(rows, dec["kpis"], strict=True), 1):
        if not row["cell"].startswith(d["printed"]):
            raise SeedError(f"KPI {n}: {row['cell']!r} does not start with {d['printed']!r}")
        definition = row["cell"][len(d["printed"]) :].strip()
        targets, remarks = kpi_targets(row, d)
        if d["item"]:
            holders = [k for k, text in items.items() if d["evidence"] in text]
            if holders != [d["item"]]:
                raise SeedError(f"KPI {n}: evidence {d['evidence']!r} is in {holders}")
        note = [f"定義: {definition}"] if definition else []
        if d["name"] != d["printed"]:
            note.append(f"印字は「{d['printed']}」")
        if any(end for _, end in row["years"]):
            note.append("表の列見出しは「年度末」")
        note += remarks + ([d["note"]] if d.get("note") else [])
        indicator = ind.Indicator(
            key=f"KPI-{n}",
            name=d["name"],
            unit=d["unit"],
            owner_kind=ind.OwnerKind.MEASURE if d["item"] else ind.OwnerKind.PLAN,
            owner_key=d["item"] or row["group"],
            better=ind.Better(d["better"]),
            baseline=ind.Baseline(cumulative="（累計）" in d["name"]),
            targets=tuple(targets),
            note="。".join(note),
        )
        out.append((row["group"], d["item"], ind.indicator_to_dict(indicator)))
        owner = (
            f"施策 {d['item']}（根拠「{d['evidence']}」）"
            if d["item"]
            else f"計画（{row['group']}）"
        )
        notes["kpis"].append(
            f"KPI-{n} {d['name']}（{d['unit']}, better={d['better']}）→ {owner}; "
            f"targets={json.dumps([ind.target_to_dict(t) for t in targets], ensure_ascii=False)} "
            f"— why: {d['why']}"
        )
    return out


MODEL_LIMITS = [
    "KPI-2 窓口での対応時間の削減: 印字は「62.5時間減」「825時間減」。削減した時間数を値（単位 時間、多いほどよい）とした。「減」を単位に含める型はない / the value is the hours saved; the model has no 'reduction of' unit",
    "KPI-6/KPI-7: 「10%増 (1万件増)」「50%減 (600万枚減)」は Change（基準年 2021/2019, absolute）で表せるが、基準年の値（base_value）は本文にないため None。達成の判定には基準年の実績の入力が要る / the base year's value is not printed: judging needs the base year's actual",
    "KPI-3/4/9/11 の（累計）: 基準値のない累計の数で、Baseline(cumulative=True, value=None) とした（第1計画と同じ扱い） / cumulative counts without a baseline value",
    "KPI-6/KPI-12 の2021(R3)年度、KPI-7 の2021(R3)年度末「-」: 目標なし（空欄と「-」の違いは note に記録） / no target in 2021; blank vs 「-」 kept in the note",
    "KPI-12「100人 (全課長)」: 100人の YearValue。「全課長」（対象が全課長であること）は note にだけ残る / the (全課長) qualifier is only in the note",
    "分類（市民サービスの向上 / 職員の生産性向上）は指標の型にないので、施策に付けた KPI の分類は JSON の kpi_groups（分類ごとの KPI キーの印字順）に記録 / the group of an item's KPI is kept in the top-level kpi_groups",
]


# ---- assembly -------------------------------------------------------------------------------


def item_text(item: dict) -> str:
    return json.dumps(
        [
            item["name"],
            item["vision_title"],
            item["vision_points"],
            item["achieved"],
            item["actions"],
        ],
        ensure_ascii=False,
    )


def build(seeds: Path, decisions: Path = DECISIONS) -> dict[str, str]:
    """Parse the seed; return {file name: content} for the JSON and the notes."""
    dec = json.loads(decisions.read_text(encoding="utf-8"))
    path = seeds / dec["seed_file"]
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    notes: dict[str, list[str]] = {sid: [] for sid, _ in SECTIONS}
    if dec["plan"]["cover"] not in lines:
        raise SeedError("the cover title is not as decided")
    for t in dec["period"]["texts"]:
        if t not in text:
            raise SeedError(f"the period text {t!r} is not in the seed")
    toc, overview = parse_toc(lines), parse_overview(lines)
    start = next(i for i, x in enumerate(lines) if x.startswith("〔1〕"))
    end = lines.index(BODY_END, start)
    body = Body(dec, notes)
    pillars = body.walk([(i + 1, lines[i]) for i in range(start, end)])
    compare_front(pillars, toc, overview, dec["versions"]["marks"], notes)
    first, last = dec["period"]["first_fy"], dec["period"]["last_fy"]
    kpi_rows = parse_kpis(lines, dec)
    if sorted({fy for r in kpi_rows for fy, _ in r["years"]}) != list(range(first, last + 1)):
        raise SeedError("the KPI columns differ from the decided period")

    joiner = dec["words"]["joiner"]
    items = {i["key"]: i for p in pillars for i in p["items"]}
    for item in items.values():
        item["actions"] = [finish_action(a, item["key"], joiner, notes) for a in item["actions"]]
        if not item["achieved"]:
            notes["headings"].append(
                f"{item['key']}: [金沢市デジタル戦略策定までの取り組み] がない → achieved は空 / "
                "no 'achieved before the strategy' list"
            )
    kpis = build_kpis(kpi_rows, dec, {k: item_text(i) for k, i in items.items()}, notes)

    for form, keys in sorted(body.done_forms.items()):
        if form != dec["words"]["done"][0]:
            notes["layout"].append(
                f"「{form}」{len(keys)}件（{'、'.join(dict.fromkeys(keys))}）→「{dec['words']['done'][0]}」 / "
                "DONE spelled differently"
            )
    for g in dec["garbled"]:
        lost = items[g["item"]]["unrecovered"]
        notes["lost"].append(
            f"{g['item']}: 取組の表が崩れ、残るのは語 {'・'.join(lost['words'])}、版の印 "
            f"{'・'.join(lost['versions'])}、空の箇条 {lost['empty_bullets']} → actions は空、"
            f"details.unrecovered に記録 — why: {g['why']}"
        )
    for r in dec["remarks"]:
        if r["text"] not in item_text(items[r["item"]]):
            raise SeedError(f"decided remark {r['text']!r} not found in {r['item']}")
        notes[r["section"]].append(f"{r['item']}: 「{r['text']}」 — {r['comment']}")
    for n in dec["noise"]:
        notes["noise"].append(f"{n['item']}: 「{'」「'.join(n['lines'])}」 — {n['why']}")
    for v in dec["variants"]:
        if v["text"] not in text or v["other"] not in text:
            raise SeedError(f"decided variant {v['text']!r} / {v['other']!r} not in the seed")
        notes["variants"].append(f"「{v['text']}」 / 「{v['other']}」 — {v['comment']}")
    notes["model"] = MODEL_LIMITS

    nodes, measures = [], []
    for p in pillars:
        nodes.append(
            {
                "key": p["key"],
                "parent": None,
                "level": 1,
                "label": f"〔{p['key']}〕",
                "title": p["title"],
                "description": "\n".join(p["description"]),
            }
        )
        for item in p["items"]:
            inds = [d for _, owner, d in kpis if owner == item["key"]]
            vision = "\n".join([item["vision_title"]] + ["・" + v for v in item["vision_points"]])
            details = {
                "version": item["version"],
                "vision_title": item["vision_title"],
                "vision_points": item["vision_points"],
                "achieved": item["achieved"],
                "actions": item["actions"],
                "kpi_repeats": [],
            }
            if item["unrecovered"]:
                details["unrecovered"] = item["unrecovered"]
            measures.append(
                {
                    "key": item["key"],
                    "number": len(measures) + 1,
                    "repeat_of": None,
                    "name": item["name"],
                    "list_name": item["name"],
                    "node": p["key"],
                    "numeric": bool(inds),
                    "departments": [],
                    "summary": "",
                    "vision": vision,
                    "related_plans": [],
                    "resources": {},
                    "years": {},
                    "indicators": inds,
                    "details": details,
                }
            )
    groups = [
        {
            "name": g,
            "keys": [d["key"] for grp, _, d in kpis if grp == g],
            "description": next(r["intro"] for r in kpi_rows if r["group"] == g),
        }
        for g in dec["kpi_groups"]
    ]
    n_actions = sum(len(m["details"]["actions"]) for m in measures)
    notes["source"] = [
        f"{dec['seed_file']} sha256={hashlib.sha256(path.read_bytes()).hexdigest()}",
        f"本文 lines {start + 1}-{end}; KPI lines {end + 1}-"
        f"{next(i for i, x in enumerate(lines) if x.startswith(KPI_END))}",
        f"plan name「{dec['plan']['name']}」 — {dec['plan']['why']}",
        f"levels {dec['levels']['words']}, item「{dec['levels']['item']}」 — {dec['levels']['why']}",
        f"period {first}-{last} — {dec['period']['why']}",
        f"基本方針 {len(nodes)}; 施策 {len(measures)}; 取組 {n_actions}; 細目 "
        f"{sum(len(a['subs']) for m in measures for a in m['details']['actions'])}; "
        f"策定までの取り組み {sum(len(m['details']['achieved']) for m in measures)}; "
        f"KPI {len(kpis)} (施策に {sum(1 for _, o, _ in kpis if o)}, 計画に "
        f"{sum(1 for _, o, _ in kpis if not o)})",
    ]
    notes["general"] = [
        f"版の印 / version marks: {dec['versions']['why']}",
        f"年度の語 / year words: {dec['words']['why']}",
        "取組の細目に版の印が付く行（「- 20 》・…」）は sub_versions に、取組名の前の単独の印は取組名の version に。"
        "細目の前の単独の印や一行に並ぶ複数の印は行が分からないので unplaced_versions に置く（推測しない） / "
        "a mark on a sub-item goes to sub_versions, a lone mark before a title to the title; a lone "
        "mark before a sub-item or several marks on one row go to unplaced_versions (not guessed)",
        "表のセル内の「・」は細目（subs）。「・」で始まる表の行は直前の取組の細目、「・」なしの行は新しい取組 / "
        "・ in a table cell starts a sub-item; a row starting with ・ continues the previous 取組",
        "vision は目指すべき姿の見出しと「・」箇条を改行で連結。summary は施策に説明文がないため空。"
        "柱の説明文は節点の description / vision = headline + bullets; no item description exists",
        "KPI は本文に施策との対応が書かれていない。分類の説明文や取組の語が一つの施策だけを指す場合（根拠の語が"
        "その施策の本文にだけあることをスクリプトが確かめる）はその施策の指標、他は計画の指標（owner_kind plan, "
        "owner_key=分類名）として node_indicators に / a KPI goes to the one item its evidence phrase "
        "points at (checked to occur in that item only), else to the plan under its group",
        "departments はこの計画の資料に記載がないので空 / the seed names no departments",
    ]
    data = {
        "schema": 2,
        "plan": {
            "code": dec["plan"]["code"],
            "name": dec["plan"]["name"],
            "first_fy": first,
            "last_fy": last,
            "levels": dec["levels"]["words"],
            "item": dec["levels"]["item"],
            "sheet": {k: dec["sheet"][k] for k in ("rows", "words")},
        },
        "departments": [],
        "nodes": nodes,
        "node_indicators": [d for _, owner, d in kpis if not owner],
        "kpi_groups": groups,
        "measures": measures,
    }
    return {
        JSON_NAME: json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        NOTES_NAME: render_notes(notes, dec),
    }


def render_notes(notes: dict, dec: dict) -> str:
    out = [
        f"# seed_notes — {dec['plan']['name']}",
        "",
        "tools/build_plan_004.py が生成（手で編集しない）。 / Generated by tools/build_plan_004.py; do not edit.",
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
            print(f"bundled plan data is stale: {', '.join(stale)} (run tools/build_plan_004.py)")
            return 1
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (args.out / name).write_text(content, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
