"""A second plan in the plan data's schema 2, small enough to read: two 取組 of one 施策 under
one 基本目標 with its goal indicator; one 取組 with a KPI and 具体的な事業, one without a
department yet."""

from __future__ import annotations

import openpyxl

from kanazawa_desktop.domain.indicator import (
    Baseline,
    Better,
    Indicator,
    OwnerKind,
    YearValue,
    indicator_to_dict,
)


def second_plan() -> dict:
    kpi = Indicator(
        "KPI-1-1-①-1",
        "まちの子育て保健室開設地区数",
        "地区",
        owner_key="1-1-①",
        better=Better.MORE,
        baseline=Baseline(value=11, year=2023),
        targets=(YearValue(2025, 53),),
    )
    goal = Indicator(
        "GOAL-1",
        "合計特殊出生率",
        "",
        owner_kind=OwnerKind.GOAL,
        owner_key="1",
        better=Better.MORE,
        targets=(YearValue(2028, 1.5),),
    )
    item = {
        "key": "1-1-①",
        "number": 1,
        "repeat_of": None,
        "name": "妊娠、出産、育児を包括的に支援する体制の充実",
        "list_name": "妊娠、出産、育児を包括的に支援する体制の充実",
        "node": "1-1",
        "numeric": True,
        "departments": ["こども未来課"],
        "summary": "ワンストップ拠点の運営",
        "vision": "",
        "related_plans": [],
        "resources": {},
        "years": {},
        "indicators": [indicator_to_dict(kpi)],
        "details": {"projects": [{"text": "産後ケアの実施", "repeat": False}]},
    }
    unassigned = {
        **item,
        "key": "1-1-②",
        "number": 2,
        "name": "幼少期の子育て支援",
        "numeric": False,
        "departments": [],
        "indicators": [],
        "details": {},
    }
    return {
        "schema": 2,
        "plan": {
            "code": "sogo_test",
            "name": "試験用の子育て計画",
            "first_fy": 2024,
            "last_fy": 2028,
            "levels": ["基本目標", "施策"],
            "item": "取組",
        },
        "departments": [],
        "nodes": [
            {
                "key": "1",
                "parent": None,
                "level": 1,
                "label": "基本目標1",
                "title": "若い世代に優しいまち",
                "description": "子育ての喜びを分かち合う",
            },
            {
                "key": "1-1",
                "parent": "1",
                "level": 2,
                "label": "(1)",
                "title": "妊娠から出産・育児までの環境づくり",
                "description": "",
            },
        ],
        "node_indicators": [indicator_to_dict(goal)],
        "measures": [item, unassigned],
    }


def table(path, rows, header=("番号", "取組名（参考）", "担当課"), blank_rows=2):
    """A 番号/担当課 assignment table as the secretariat makes one in Excel."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "割当"
    for _ in range(blank_rows):
        ws.append([])
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path
