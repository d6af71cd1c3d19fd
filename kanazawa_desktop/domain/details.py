"""What a later plan says of a reporting unit beyond the first plan's sheet, as sections a
person reads (the form, the printed sheet): a title and its lines.

    総合戦略   {"projects": [{"text": "...", "repeat": true}]}          → 具体的な事業
    デジタル戦略 {"achieved": ["..."], "actions": [{"title", "version",
                "subs": [...], "years": {"2022": "導入"}}]}              → これまでの取組, 具体的な取組
Unknown keys are shown by their name, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping

from .fiscal import short_label

_TITLES = {
    "projects": "具体的な事業",
    "achieved": "策定までの取組",
    "actions": "具体的な取組",
    "version": "追加された版",
    "unrecovered": "読み取れなかった表の残り",
}
# kept for the record and shown elsewhere: which KPIs are shown again (the indicator table),
# and the 目指すべき姿 the form and sheet show as めざす姿
_SHOWN_ELSEWHERE = frozenset({"kpi_repeats", "vision_title", "vision_points"})


def sections(details: Mapping[str, object]) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for key, value in details.items():
        if key in _SHOWN_ELSEWHERE or not value:
            continue
        title = _TITLES.get(key, key)
        items = value if isinstance(value, list) else [value]
        out.append((title, [_line(key, v) for v in items]))
    return out


def _line(key: str, v: object) -> str:
    if key == "projects" and isinstance(v, Mapping):
        return f"・{v.get('text', '')}" + ("【再掲】" if v.get("repeat") else "")
    if key == "actions" and isinstance(v, Mapping):
        version = f"〔{v['version']}〕" if v.get("version") else ""
        years = v.get("years") or {}
        when = "、".join(
            f"{short_label(int(fy))} {word}"
            for fy, word in sorted(years.items())
            if str(fy).isdigit()
        )
        subs = "".join(f"\n　・{s}" for s in v.get("subs") or [])
        return f"・{v.get('title', '')}{version}" + (f"（{when}）" if when else "") + subs
    return f"・{v}"
