"""A whole plan as one workbook the secretariat can read and fill in Excel (docs/workbook.md
「計画の書式」): sheets 計画 (key/value), 体系, 取組, 指標, one row per thing, Japanese headers.

This module holds the layout (sheet and column names) and the writer: `write_plan(data, out)`
writes a plan dict (the shape store.plan_loader.load_plan takes, as store.plan_dump gives it)
atomically, with a 書き方 sheet for the person filling it. plan_reader.read_plan reads such a
workbook back (plan_sheet: one sheet's rows); plan_text holds the text forms of years,
baselines and targets.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.fiscal import short_label
from ..domain.indicator import (
    Better,
    Indicator,
    OwnerKind,
    indicator_from_dict,
    year_cell,
)
from ..files import staging
from . import plan_text as pt
from .errors import BadWorkbook
from .layout import EXCEL_CELL_LIMIT

PlanData = dict[str, Any]  # the plain plan dict of store.plan_loader.load_plan (JSON values)
FORMAT_MARK = "kanazawa_desktop 計画"
FORMAT_VERSION = 1
PLAN_SHEET, NODE_SHEET, ITEM_SHEET, IND_SHEET = "計画", "体系", "取組", "指標"
# optional: a plan without notes has no such sheet (written only when the plan has a glossary)
GLOSSARY_SHEET, GLOSSARY_COLS = "用語解説", ("記号", "用語", "説明")
MAX_ROWS = 50_000
MAX_COLUMNS = 40
MAX_YEARS = 12  # a plan's period; keeps 指標 within the columns a returned workbook may use

PLAN_KEYS = ("書式", "計画キー", "計画名", "開始年度", "終了年度", "階層の名前", "単位の呼び名")
# may be missing or empty: the first plan's sheet (every row, under its own names)
SHEET_KEYS = ("様式の行", "行の呼び名")
NODE_COLS = ("キー", "上位キー", "階層番号", "番号", "名称", "説明")
ITEM_COLS = (
    "No.",
    "キー",
    "体系キー",
    "取組事項名",
    "一覧の名称",
    "数値目標",
    "担当課",
    "再掲元",
    "概要",
    "めざす姿",
    "関連計画",
    "行政資源",
)
ITEM_DETAILS = "詳細（JSON）"
IND_COLS = (
    "キー",
    "対象の種類",
    "対象",
    "名称",
    "単位",
    "方向",
    "基準値",
    "累計",
    "系列",
    "区分",
    "注記",
)
IND_OTHER = "その他の目標"
PLAN_YEAR_PREFIX, TARGET_YEAR_PREFIX = "実施計画 ", "目標 "
GUIDE_SHEET = "書き方"  # read by people only
GUIDE = (
    "計画の書式（1つのブックに1つの計画）。各シートの1行目は見出しです。列の順番は変えてかまいません。",
    "「計画」: 計画キー（空白なし）、計画名、開始年度・終了年度（R9、令和9年度、2027）、"
    "階層の名前（方針、項目、小項目）、単位の呼び名（取組）、"
    "様式の行（取組管理票に出す行: 概要、めざす姿、関連計画、確保する行政資源。空欄はすべて）、"
    "行の呼び名（めざす姿＝目指すべき姿 のように。空欄可）。",
    "「体系」: キー、上位キー（最上位は空欄。上の行にあるキー）、階層番号（空欄可）、番号（方針1、①）、名称、説明。",
    "「取組」: No.、キー、体系キー、取組事項名、数値目標（○）、担当課（複数は「、」で区切る）、"
    "再掲元（【再掲】の行に元の取組のNo.）、関連計画（1行に1つ）、行政資源（ヒト、カネ、モノ、情報）、"
    "年度ごとの実施計画。詳細（JSON）は計画に固有の内容で、通常は空欄です。",
    "「指標」: キー、対象の種類（取組・体系・目標・計画）、対象（取組または体系のキー）、名称、単位、"
    "方向（増加・減少）、基準値（11（R5）、R5開始）、累計（○）、年度ごとの目標。",
    "「用語解説」（なくてもよい）: 記号（※6）、用語、説明。本文の「ネウボラ※6」の記号がこの説明を指します。",
    "年度の目標の書き方: 70 ／ 100以上 ／ 10未満 ／ 中核市平均以下。",
    "「その他の目標」には1行に1つ: R9末 146000 ／ R6～R10 1000以上を維持 ／ R6～R10 合計 5000 ／ "
    "R7末 H25比 -40% ／ R5～R8 中核市平均以下 ／ R7～R8 未設定 理由。",
    "数式は使えません。取り込むときにすべての行を確認し、誤りがあればシート名と行を示して何も追加しません。",
)
REQUIRED = {
    NODE_SHEET: ("キー", "上位キー", "名称"),
    ITEM_SHEET: ("キー", "体系キー", "取組事項名"),
    IND_SHEET: ("キー", "対象", "名称"),
}
RESOURCE_WORDS = {"hito": "ヒト", "kane": "カネ", "mono": "モノ", "joho": "情報"}
OWNER_WORDS = {
    OwnerKind.MEASURE: "取組",
    OwnerKind.NODE: "体系",
    OwnerKind.GOAL: "目標",
    OwnerKind.PLAN: "計画",
}
BETTER_WORDS = {Better.MORE: "増加", Better.LESS: "減少"}
SPLIT = re.compile(r"[、,，\n]+")
MARK = "○"

# ---- writing -----------------------------------------------------------------------------

_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _put(ws: Worksheet, row: int, col: int, value: object) -> None:
    if isinstance(value, str):
        if len(value) > EXCEL_CELL_LIMIT:
            raise BadWorkbook(
                f"シート「{ws.title}」{row}行目: 文字数が Excel の上限（{EXCEL_CELL_LIMIT}）を超えます",
                "too_long",
            )
        if not value:
            return
    try:
        cell = ws.cell(row=row, column=col, value=value)
    except IllegalCharacterError:  # a control character
        raise BadWorkbook(
            f"シート「{ws.title}」{row}行目: Excel に書けない文字（制御文字）があります", "bad_char"
        ) from None
    if isinstance(value, str):
        cell.data_type = "s"  # 「=未確定」「#N/A」 stay text, never a formula or an error
        cell.alignment = _WRAP


def _table(ws: Worksheet, headers: list[str], rows: list[list[object]], widths: list[int]) -> None:
    for c, h in enumerate(headers, start=1):
        _put(ws, 1, c, h)
        ws.cell(row=1, column=c).font = _HEAD_FONT
        ws.cell(row=1, column=c).fill = _HEAD_FILL
        ws.column_dimensions[get_column_letter(c)].width = widths[c - 1] if c <= len(widths) else 24
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            _put(ws, r, c, v)
    ws.freeze_panes = "A2"


def _joined(names: list[str], sep: str = "、") -> str:
    return sep.join(names)


def _year_targets(ind: Indicator, first: int, last: int) -> bool:
    """True when every target fits one year's cell, one per year, in year order: then the
    year columns alone say them and read back in the same order."""
    years = [pt.year_cell_target(t, first, last) for t in ind.targets]
    return all(y is not None for y in years) and years == sorted(set(years))  # type: ignore[type-var]


def _indicator_row(ind: Indicator, fys: range) -> list[object]:
    by_year = _year_targets(ind, fys.start, fys.stop - 1)
    return [
        ind.key,
        OWNER_WORDS[ind.owner_kind],
        ind.owner_key,
        ind.name,
        ind.unit,
        BETTER_WORDS[ind.better] if ind.better else "",
        pt.baseline_text(ind.baseline),
        MARK if ind.baseline.cumulative else "",
        ind.series,
        ind.category,
        ind.note,
        *[(year_cell(ind, fy) if by_year else "") for fy in fys],
        "" if by_year else "\n".join(pt.target_line(t) for t in ind.targets),
    ]


def plan_workbook(data: PlanData) -> Workbook:
    """The plan dict laid out as the plan workbook (not saved)."""
    p = data["plan"]
    fys = range(p["first_fy"], p["last_fy"] + 1)
    wb = Workbook()
    ws = wb.active
    ws.title = PLAN_SHEET
    values = [
        f"{FORMAT_MARK} {FORMAT_VERSION}",
        p["code"],
        p["name"],
        short_label(p["first_fy"]),
        short_label(p["last_fy"]),
        _joined(list(p.get("levels") or [])),
        p.get("item", "取組"),
        *pt.sheet_cells(p.get("sheet") or {}),
    ]
    keys = PLAN_KEYS + SHEET_KEYS
    _table(ws, ["項目", "値"], [[k, v] for k, v in zip(keys, values, strict=True)], [16, 60])
    _table(
        wb.create_sheet(NODE_SHEET),
        list(NODE_COLS),
        [
            [n["key"], n["parent"] or "", n["level"], n["label"], n["title"], n.get("description")]
            for n in data["nodes"]
        ],
        [10, 10, 9, 10, 40, 60],
    )
    _table(
        wb.create_sheet(ITEM_SHEET),
        [*ITEM_COLS, *(f"{PLAN_YEAR_PREFIX}{short_label(fy)}" for fy in fys), ITEM_DETAILS],
        [
            [
                m.get("number"),
                m["key"],
                m["node"],
                m["name"],
                m.get("list_name", ""),
                MARK if m.get("numeric") else "",
                _joined(m.get("departments") or []),
                m.get("repeat_of"),
                m.get("summary", ""),
                m.get("vision", ""),
                _joined(m.get("related_plans") or [], "\n"),
                _joined(
                    [w for k, w in RESOURCE_WORDS.items() if (m.get("resources") or {}).get(k)]
                ),
                *[(m.get("years") or {}).get(str(fy), {}).get("plan", "") for fy in fys],
                json.dumps(m["details"], ensure_ascii=False) if m.get("details") else "",
            ]
            for m in data["measures"]
        ],
        [6, 10, 10, 40, 40, 8, 24, 8, 50, 40, 30, 20, *[30 for _ in fys], 30],
    )
    inds = [indicator_from_dict(d) for d in data.get("node_indicators") or []]
    inds += [indicator_from_dict(d) for m in data["measures"] for d in m.get("indicators") or []]
    _table(
        wb.create_sheet(IND_SHEET),
        [*IND_COLS, *(f"{TARGET_YEAR_PREFIX}{short_label(fy)}" for fy in fys), IND_OTHER],
        [_indicator_row(ind, fys) for ind in inds],
        [12, 10, 12, 36, 8, 8, 16, 6, 16, 12, 30, *[12 for _ in fys], 36],
    )
    if p.get("glossary"):
        _table(
            wb.create_sheet(GLOSSARY_SHEET),
            list(GLOSSARY_COLS),
            [[g["mark"], g["term"], g["text"]] for g in p["glossary"]],
            [8, 30, 90],
        )
    _choices(wb[ITEM_SHEET], "数値目標", [MARK])
    _choices(wb[IND_SHEET], "対象の種類", list(OWNER_WORDS.values()))
    _choices(wb[IND_SHEET], "方向", list(BETTER_WORDS.values()))
    guide = wb.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 110
    for r, line in enumerate(GUIDE, start=1):
        _put(guide, r, 1, line)
    return wb


def _choices(ws: Worksheet, header: str, words: list[str]) -> None:
    """A drop-down of `words` in the column `header` (a help only: the reader checks values)."""
    col = next(c.column for c in ws[1] if c.value == header)
    letter = get_column_letter(col)
    dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True)
    dv.add(f"{letter}2:{letter}{ws.max_row + 500}")
    ws.add_data_validation(dv)


def write_plan(data: PlanData, out: Path) -> None:
    """Write the plan workbook to `out` atomically (a temporary beside it, then renamed)."""
    out = Path(out)
    wb = plan_workbook(data)
    staging.sweep(out.parent)
    tmp = staging.create_beside(out)
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    finally:
        staging.discard(tmp)
