"""A plan workbook written by hand with openpyxl, as the secretariat would fill one in Excel
(docs/workbook.md 「計画の書式」): the next 行政経営プラン, R9–R12, three nodes, two items, a
【再掲】 row and two indicators. `edit` changes the workbook before it is saved, for the
malformed variants."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl

PLAN_ROWS = [
    ("項目", "値"),
    ("書式", "kanazawa_desktop 計画 1"),
    ("計画キー", "gyosei_r9"),
    ("計画名", "金沢市行政経営プラン（令和9年度～）"),
    ("開始年度", "令和9年度"),
    ("終了年度", "R12"),
    ("階層の名前", "方針、項目、小項目"),
    ("単位の呼び名", "取組"),
]
NODE_ROWS = [
    ("キー", "上位キー", "番号", "名称", "説明"),
    ("1", None, "方針1", "行政組織の質を高める", None),
    ("1-1", "1", "1", "人材の育成", None),
    ("1-1-1", "1-1", "①", "職員の能力向上", "研修の体系を見直す"),
]
ITEM_ROWS = [
    (
        "No.",
        "キー",
        "体系キー",
        "取組事項名",
        "数値目標",
        "担当課",
        "再掲元",
        "概要",
        "行政資源",
        "実施計画 R9",
        "実施計画 R10",
        "実施計画 R11",
        "実施計画 R12",
    ),
    (
        1,
        "No.1",
        "1-1-1",
        "職員研修の充実",
        "○",
        "人事課、デジタル行政戦略課",
        None,
        "研修を充実する",
        "ヒト、情報",
        "実施",
        "拡充",
        "拡充",
        "検証",
    ),
    (
        2,
        "No.2",
        "1-1-1",
        "=新しい働き方の推進",
        None,
        "人事課",
        None,
        None,
        None,
        "検討",
        None,
        None,
        None,
    ),
    (None, "再掲-No.1", "1-1", "職員研修の充実", None, None, 1, None, None, None, None, None, None),
]
IND_ROWS = [
    (
        "キー",
        "対象",
        "名称",
        "単位",
        "方向",
        "基準値",
        "目標 R9",
        "目標 R10",
        "目標 R11",
        "目標 R12",
        "その他の目標",
    ),
    (
        "No.1",
        "No.1",
        "研修受講者数",
        "人",
        "増加",
        "800（R8）",
        900,
        "1000",
        "1000以上",
        None,
        "R12末 1200",
    ),
    (
        "PLAN-1",
        None,
        "市民満足度",
        "%",
        None,
        None,
        None,
        None,
        None,
        None,
        "R9～R12 中核市平均以上\nR11～R12 未設定 次期計画で設定",
    ),
]


def plan_workbook(path: Path, edit: Callable[[openpyxl.Workbook], None] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "計画"
    for name, rows in (
        ("計画", PLAN_ROWS),
        ("体系", NODE_ROWS),
        ("取組", ITEM_ROWS),
        ("指標", IND_ROWS),
    ):
        ws = wb[name] if name in wb.sheetnames else wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    for cell in wb["取組"]["D"]:  # typed as text, as Excel keeps 「=…」 typed after a quote
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
    if edit is not None:
        edit(wb)
    wb.save(path)
    return path
