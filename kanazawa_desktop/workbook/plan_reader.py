"""Read a plan workbook (plan_layout; docs/workbook.md 「計画の書式」) into a load_plan dict.

`read_plan(path)` returns the dict, or raises BadWorkbook whose message names the file, the
sheet, the row and the reason (Japanese): a missing sheet or column, a duplicate key, a parent
that is not above its child, an item on an unknown node, a 再掲元 that is no item's number, an
unreadable year, baseline or target, a year column outside the period, an indicator whose
owner does not exist, details that are not a JSON object. Everything is checked before the
dict is returned: a caller that writes only what this returned writes nothing on refusal.

Guarded like a returned workbook before openpyxl sees it (safety.inspect: size, damaged zip,
zip and XML bombs); openpyxl parses through defusedxml; a sheet's used range is bounded
(rows streamed, at most MAX_ROWS x MAX_COLUMNS); a formula cell is refused.
"""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook, load_workbook

from ..domain.errors import InvalidValue
from ..domain.fields import PLAN_TEXT
from ..domain.glossary import glossary_to_list, parse_glossary
from ..domain.indicator import (
    Indicator,
    OwnerKind,
    Target,
    indicator_to_dict,
    parse_year_cell,
)
from ..domain.values import validate
from . import plan_text as pt
from .errors import BadWorkbook
from .plan_layout import (
    BETTER_WORDS,
    FORMAT_MARK,
    FORMAT_VERSION,
    GLOSSARY_COLS,
    GLOSSARY_SHEET,
    IND_OTHER,
    IND_SHEET,
    ITEM_DETAILS,
    ITEM_SHEET,
    MARK,
    MAX_YEARS,
    NODE_SHEET,
    OWNER_WORDS,
    PLAN_KEYS,
    PLAN_SHEET,
    PLAN_YEAR_PREFIX,
    REQUIRED,
    RESOURCE_WORDS,
    SPLIT,
    TARGET_YEAR_PREFIX,
    PlanData,
)
from .plan_sheet import Refusal, Sheet, para_of, text_of
from .safety import ZIP_ERRORS, inspect

# What openpyxl raises on a part it cannot parse, at load or (read-only: sheets are parsed as
# their rows are read) while reading: broken XML (ParseError is a SyntaxError), a value of the
# wrong kind, a missing part; the zip module's own errors as well.
_PARSE_ERRORS = (*ZIP_ERRORS, SyntaxError, TypeError, AttributeError)


def read_plan(path: Path) -> PlanData:
    path = Path(path)
    checked = inspect(path)  # BadWorkbook for anything that is not a sound .xlsx
    wb = None
    try:
        wb = load_workbook(BytesIO(checked.data), read_only=True, data_only=False)
        return _read(wb)
    except Refusal as r:
        raise BadWorkbook(
            r.message(path.name), r.kind, file=str(path), sheet=r.sheet, row=r.row
        ) from None
    except _PARSE_ERRORS as exc:
        raise BadWorkbook(
            f"{path.name}: ブックを読み取れません（壊れているか、形式が違います）",
            "damaged",
            file=str(path),
        ) from exc
    finally:
        if wb is not None:
            wb.close()


def _sheet(wb: Workbook, name: str) -> Sheet:
    if name not in wb.sheetnames:
        raise Refusal(
            name, None, "シートがありません（計画の書式のブックではありません）", "plan_template"
        )
    return Sheet(wb[name])


def _read(wb: Workbook) -> PlanData:
    plan = _plan(_sheet(wb, PLAN_SHEET))
    first, last = plan["first_fy"], plan["last_fy"]
    nodes = _nodes(_sheet(wb, NODE_SHEET), len(plan["levels"]))
    if not nodes:
        raise Refusal(NODE_SHEET, None, "体系が1行もありません")
    measures = _measures(_sheet(wb, ITEM_SHEET), {n["key"] for n in nodes}, first, last)
    node_inds = _indicators(_sheet(wb, IND_SHEET), nodes, measures, first, last)
    if GLOSSARY_SHEET in wb.sheetnames:  # optional: a plan without notes has none
        glossary = _glossary(_sheet(wb, GLOSSARY_SHEET))
        if glossary:
            plan["glossary"] = glossary
    departments: list[str] = []
    for m in measures:
        departments += [d for d in m["departments"] if d not in departments]
    return {
        "plan": plan,
        "departments": departments,
        "nodes": nodes,
        "node_indicators": node_inds,
        "measures": measures,
    }


def _plan(s: Sheet) -> PlanData:
    values: dict[str, tuple[int, str]] = {}
    for n, row in s.rows:
        key, value = text_of(row[0]) if row else "", text_of(row[1]) if len(row) > 1 else ""
        if key in values:
            raise Refusal(s.name, n, f"「{key}」が2つあります")
        values[key] = (n, value)
    for key in PLAN_KEYS:
        if key not in values:
            raise Refusal(s.name, None, f"「{key}」の行がありません", "plan_template")
    at, mark = values["書式"]
    if mark != f"{FORMAT_MARK} {FORMAT_VERSION}":
        raise Refusal(
            s.name,
            at,
            f"書式「{mark}」は読めません（{FORMAT_MARK} {FORMAT_VERSION} の書式）",
            "plan_template",
        )
    years = {}
    for key in ("開始年度", "終了年度"):
        at, text = values[key]
        try:
            years[key] = pt.parse_fy(text)
        except ValueError:
            raise Refusal(
                s.name, at, f"{key}「{text}」を読めません（R9、令和9年度、2027 のように）"
            ) from None
    first, last = years["開始年度"], years["終了年度"]
    if last < first or last - first + 1 > MAX_YEARS:
        raise Refusal(
            s.name,
            values["終了年度"][0],
            f"期間が不正です（終了年度は開始年度から{MAX_YEARS}年度以内）",
        )
    for key in ("計画名",):
        if not values[key][1]:
            raise Refusal(s.name, values[key][0], f"{key}がありません")
    levels = [w.strip() for w in SPLIT.split(values["階層の名前"][1]) if w.strip()]
    if not levels:
        raise Refusal(
            s.name, values["階層の名前"][0], "階層の名前がありません（方針、項目、小項目 のように）"
        )
    rows_at, rows = values.get("様式の行", (None, ""))
    words_at, words = values.get("行の呼び名", (None, ""))
    try:
        sheet = pt.parse_sheet_cells(rows, words)
    except ValueError as exc:
        raise Refusal(s.name, words_at if "呼び名" in str(exc) else rows_at, str(exc)) from None
    return {
        "code": values["計画キー"][1],
        "name": values["計画名"][1],
        "first_fy": first,
        "last_fy": last,
        "levels": levels,
        "item": values["単位の呼び名"][1] or "取組",
        "sheet": sheet,
    }


def _glossary(s: Sheet) -> list[dict[str, str]]:
    """The 用語解説 rows as plan.glossary entries, each checked as the domain checks it."""
    s.need(GLOSSARY_COLS)
    out: list[dict[str, str]] = []
    marks: set[str] = set()
    for n, row in s.rows:
        raw = {"mark": s.text(row, "記号"), "term": s.text(row, "用語")}
        raw["text"] = para_of(s.get(row, "説明"))
        try:
            (entry,) = parse_glossary([raw])
        except InvalidValue as exc:
            raise Refusal(s.name, n, exc.message) from None
        if entry.mark in marks:
            raise Refusal(s.name, n, f"記号「{entry.mark}」が2回あります")
        marks.add(entry.mark)
        out += glossary_to_list((entry,))
    return out


def _nodes(s: Sheet, levels: int) -> list[PlanData]:
    s.need(REQUIRED[NODE_SHEET])
    out: list[PlanData] = []
    level_of: dict[str, int] = {}
    for n, row in s.rows:
        key, parent = s.text(row, "キー"), s.text(row, "上位キー")
        if not key:
            raise Refusal(s.name, n, "キーがありません")
        if key in level_of:
            raise Refusal(s.name, n, f"キー「{key}」が2回あります")
        if parent and parent not in level_of:
            raise Refusal(s.name, n, f"上位キー「{parent}」がこの行より上にありません")
        title = s.text(row, "名称")
        if not title:
            raise Refusal(s.name, n, "名称がありません")
        level_text = s.text(row, "階層番号")
        if level_text:
            if not level_text.isdigit():
                raise Refusal(s.name, n, f"階層番号「{level_text}」が整数ではありません")
            level = int(level_text)
        else:
            level = level_of[parent] + 1 if parent else 1
        if level > levels:
            raise Refusal(
                s.name,
                n,
                f"階層番号 {level} は「計画」シートの階層の名前（{levels}つ）より深い階層です",
            )
        level_of[key] = level
        out.append(
            {
                "key": key,
                "parent": parent or None,
                "level": level,
                "label": s.text(row, "番号"),
                "title": title,
                "description": para_of(s.get(row, "説明")),
            }
        )
    return out


def _int_cell(s: Sheet, n: int, text: str, what: str) -> int | None:
    t = text.removeprefix("No.").removeprefix("No").strip()
    if not t:
        return None
    if not t.isdigit():
        raise Refusal(s.name, n, f"{what}「{text}」が番号（整数）ではありません")
    return int(t)


def _measures(s: Sheet, node_keys: set[str], first: int, last: int) -> list[PlanData]:
    s.need(REQUIRED[ITEM_SHEET])
    plan_cols = s.year_columns(PLAN_YEAR_PREFIX, first, last)
    words = {w: k for k, w in RESOURCE_WORDS.items()}
    out: list[PlanData] = []
    keys: set[str] = set()
    numbers: dict[int, int] = {}
    repeats: list[tuple[int, int]] = []
    for n, row in s.rows:
        key, node = s.text(row, "キー"), s.text(row, "体系キー")
        if not key:
            raise Refusal(s.name, n, "キーがありません")
        if key in keys:
            raise Refusal(s.name, n, f"キー「{key}」が2回あります")
        keys.add(key)
        if node not in node_keys:
            raise Refusal(s.name, n, f"体系キー「{node}」は「{NODE_SHEET}」シートにありません")
        name = s.text(row, "取組事項名")
        if not name:
            raise Refusal(s.name, n, "取組事項名がありません")
        number = _int_cell(s, n, s.text(row, "No."), "No.")
        if number is not None:
            if number in numbers:
                raise Refusal(s.name, n, f"No.{number} は {numbers[number]}行目にもあります")
            numbers[number] = n
        repeat_of = _int_cell(s, n, s.text(row, "再掲元"), "再掲元")
        if repeat_of is not None:
            repeats.append((n, repeat_of))
        resources = {k: False for k in RESOURCE_WORDS}
        for w in SPLIT.split(s.text(row, "行政資源")):
            if w.strip() and w.strip() not in words:
                raise Refusal(
                    s.name,
                    n,
                    f"行政資源「{w.strip()}」は ヒト・カネ・モノ・情報 のどれでもありません",
                )
            if w.strip():
                resources[words[w.strip()]] = True
        details_text = para_of(s.get(row, ITEM_DETAILS))
        try:
            details = json.loads(details_text) if details_text else {}
        except ValueError:
            details = None
        if not isinstance(details, dict):
            raise Refusal(s.name, n, f"{ITEM_DETAILS}が JSON のオブジェクト（{{…}}）ではありません")
        numeric = s.text(row, "数値目標")
        if numeric not in ("", MARK, "〇", "○", "1"):
            raise Refusal(s.name, n, f"数値目標は「{MARK}」か空欄です（「{numeric}」）")
        item = _kept(
            s,
            n,
            {
                "key": key,
                "node": node,
                "number": number,
                "repeat_of": repeat_of,
                "name": name,
                "list_name": s.text(row, "一覧の名称"),
                "numeric": bool(numeric),
                "departments": [d.strip() for d in SPLIT.split(s.text(row, "担当課")) if d.strip()],
                "summary": para_of(s.get(row, "概要")),
                "vision": para_of(s.get(row, "めざす姿")),
                "related_plans": [
                    r.strip() for r in para_of(s.get(row, "関連計画")).split("\n") if r.strip()
                ],
                "resources": resources,
                "years": {
                    str(fy): {"plan": para_of(s.get(row, col))}
                    for fy, col in sorted(plan_cols.items())
                    if para_of(s.get(row, col))
                },
                "details": details,
                "indicators": [],
            },
        )
        out.append(item)
    for n, of in repeats:
        if of not in numbers:
            raise Refusal(s.name, n, f"再掲元 No.{of} の取組がありません")
    return out


_TEXTS = ("name", "list_name", "summary", "vision", "related_plans", "departments")


def _kept(s: Sheet, n: int, item: PlanData) -> PlanData:
    """`item` with its texts as a save in the app keeps them (cleaned, a department named
    twice once), or Refusal with the reason a save would give (too long, …)."""
    try:
        for name in _TEXTS:
            item[name] = validate(name, item[name])
        for y in item["years"].values():
            y["plan"] = validate(PLAN_TEXT, y["plan"])
    except InvalidValue as e:
        raise Refusal(s.name, n, e.message) from None
    return item


def _indicators(
    s: Sheet, nodes: list[PlanData], measures: list[PlanData], first: int, last: int
) -> list[PlanData]:
    s.need(REQUIRED[IND_SHEET])
    target_cols = s.year_columns(TARGET_YEAR_PREFIX, first, last)
    kinds = {w: k for k, w in OWNER_WORDS.items()}
    betters = {w: b for b, w in BETTER_WORDS.items()}
    by_key = {m["key"]: m for m in measures}
    node_keys = {n["key"] for n in nodes}
    keys: set[str] = set()
    out: list[PlanData] = []
    for n, row in s.rows:
        key, owner = s.text(row, "キー"), s.text(row, "対象")
        if not key:
            raise Refusal(s.name, n, "キーがありません")
        if key in keys:
            raise Refusal(s.name, n, f"キー「{key}」が2回あります")
        keys.add(key)
        kind: OwnerKind | None
        kind_word = s.text(row, "対象の種類")
        if kind_word:
            if kind_word not in kinds:
                raise Refusal(
                    s.name,
                    n,
                    f"対象の種類「{kind_word}」は 取組・体系・目標・計画 のどれでもありません",
                )
            kind = kinds[kind_word]
        else:
            kind = (
                OwnerKind.MEASURE
                if owner in by_key
                else OwnerKind.NODE
                if owner in node_keys
                else OwnerKind.PLAN
                if not owner
                else None
            )
        if kind is None or (kind is OwnerKind.MEASURE and owner not in by_key):
            raise Refusal(s.name, n, f"対象「{owner}」は「{ITEM_SHEET}」シートにありません")
        if kind in (OwnerKind.NODE, OwnerKind.GOAL) and owner not in node_keys:
            raise Refusal(s.name, n, f"対象「{owner}」は「{NODE_SHEET}」シートにありません")
        better_word = s.text(row, "方向")
        if better_word and better_word not in betters:
            raise Refusal(s.name, n, f"方向「{better_word}」は 増加・減少 か空欄です")
        try:
            ind = Indicator(
                key=key,
                name=s.text(row, "名称"),
                unit=s.text(row, "単位"),
                owner_kind=kind,
                owner_key=owner,
                better=betters[better_word] if better_word else None,
                baseline=pt.parse_baseline(s.text(row, "基準値"), bool(s.text(row, "累計"))),
                targets=_targets(s, row, target_cols),
                category=s.text(row, "区分"),
                series=s.text(row, "系列"),
                note=para_of(s.get(row, "注記")),
            )
        except ValueError as e:
            reason = str(e)
            if "needs a direction" in reason:
                reason = "年度の値・期末の値・合計の目標には方向（増加・減少）が必要です"
            raise Refusal(s.name, n, reason) from None
        if not ind.name:
            raise Refusal(s.name, n, "名称がありません")
        d = indicator_to_dict(ind)
        if kind is OwnerKind.MEASURE:
            by_key[owner]["indicators"].append(d)
        else:
            out.append(d)
    return out


def _targets(s: Sheet, row: list[object], cols: dict[int, str]) -> tuple[Target, ...]:
    out: list[Target] = []
    for fy, col in sorted(cols.items()):
        t = parse_year_cell(s.text(row, col), fy)
        if t is not None:
            out.append(t)
    for line in para_of(s.get(row, IND_OTHER)).split("\n"):
        if line.strip():
            out.append(pt.parse_target_line(line))
    return tuple(out)
