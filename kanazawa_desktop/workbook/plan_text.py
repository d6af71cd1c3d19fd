"""The text forms a plan workbook uses for what is not a plain cell (docs/workbook.md 「計画の書式」).

Pure functions, no openpyxl; ValueError with a Japanese reason for text they cannot read.

* a fiscal year: 「R9」「令和9年度」「2027」「H25」 (parse_fy);
* a baseline (基準値): 「11」, 「11（R5）」, 「R5開始」, 「11（R5） R6開始」;
* a target that is not one year's cell (その他の目標), one per line:
      R9末 146000              a value to reach by the end of R9 (EndValue)
      R6～R10 1000以上を維持   a bound over a span (Limit; 以上・以下・未満・超, 「を維持」 optional)
      R6～R10 合計 5000        the span's actuals added up (PeriodSum)
      R7末 H25比 -40%          a change against a base year, by the end of R7 (Change);
                               「 基準値 123」 and 「 実数 10000」 may follow
      R5～R8 中核市平均以下    a bound against an outside figure (OutsideLimit)
      R7～R8 未設定 理由       a target to be set later, with its reason (ToBeSet)
      R5 70                    a value for one year (YearValue), as in a year's cell
"""

from __future__ import annotations

import re
from typing import Any

from ..domain.achievement import parse_number
from ..domain.fields import LABELS
from ..domain.fiscal import short_label
from ..domain.indicator import (
    Baseline,
    Change,
    EndValue,
    Limit,
    OutsideLimit,
    PeriodSum,
    Target,
    ToBeSet,
    YearValue,
    era_label,
    number_text,
    parse_era_year,
    parse_year_cell,
)
from ..domain.model import SHEET_ROWS


def num(value: float) -> str:
    """A number as typed: no thousands separator, 12 significant digits (146000, 98.45)."""
    return number_text(value).replace(",", "")


def parse_fy(text: str) -> int:
    year = parse_era_year(text)
    if year is None:
        raise ValueError("年度がありません")
    return year


def _number(text: str, what: str) -> float:
    try:
        value = parse_number(text)
    except ValueError:
        value = None
    if value is None:
        raise ValueError(f"{what}「{text}」が数値ではありません")
    return value


# ---- baseline ----------------------------------------------------------------------------


def baseline_text(b: Baseline) -> str:
    parts = []
    if b.value is not None:
        parts.append(num(b.value) + (f"（{short_label(b.year)}）" if b.year is not None else ""))
    elif b.year is not None:
        parts.append(f"（{short_label(b.year)}）")
    if b.starts is not None:
        parts.append(f"{short_label(b.starts)}開始")
    return " ".join(parts)


_BASE = re.compile(r"^(?P<v>[^（(]*?)\s*(?:[（(](?P<y>[^）)]*)[）)])?$")


def parse_baseline(text: str, cumulative: bool) -> Baseline:
    t = " ".join(text.split())
    starts = None
    if m := re.search(r"(?:^|\s)(\S+)開始$", t):
        starts = parse_fy(m.group(1))
        t = t[: m.start()].strip()
    m = _BASE.match(t)
    if m is None:
        raise ValueError(f"基準値「{text}」を読めません（11（R5）、R5開始 のように）")
    value = _number(m.group("v"), "基準値") if m.group("v") else None
    year = parse_fy(m.group("y")) if m.group("y") else None
    return Baseline(value=value, year=year, cumulative=cumulative, starts=starts)


# ---- targets -----------------------------------------------------------------------------


def _span(first: int, last: int) -> str:
    return short_label(first) if first == last else f"{short_label(first)}～{short_label(last)}"


def target_line(t: Target) -> str:
    """One line of the その他の目標 cell (read back by parse_target_line)."""
    if isinstance(t, YearValue):
        return f"{short_label(t.year)} {num(t.value)}"
    if isinstance(t, EndValue):
        return f"{short_label(t.year)}末 {num(t.value)}"
    if isinstance(t, Limit):
        return f"{_span(t.first, t.last)} {num(t.value)}{t.bound.label}" + (
            "を維持" if t.maintain else ""
        )
    if isinstance(t, PeriodSum):
        return f"{_span(t.first, t.last)} 合計 {num(t.value)}"
    if isinstance(t, Change):
        sign = "+" if t.percent >= 0 else "-"
        text = f"{short_label(t.year)}末 {era_label(t.base_year)}比 {sign}{num(abs(t.percent))}%"
        if t.base_value is not None:
            text += f" 基準値 {num(t.base_value)}"
        if t.absolute is not None:
            text += f" 実数 {num(t.absolute)}"
        return text
    if isinstance(t, OutsideLimit):
        return f"{_span(t.first, t.last)} {t.figure}{t.bound.label}"
    return f"{_span(t.first, t.last)} 未設定" + (f" {t.reason}" if t.reason else "")


_LINE = re.compile(
    r"^(?P<a>[^\s～〜~]+?)(?:\s*[～〜~]\s*(?P<b>[^\s末]+))?(?P<end>末)?\s+(?P<body>.+)$"
)
_CHANGE = re.compile(
    r"^(?P<base>\S+?)比\s*(?P<pct>[+\-－＋]?[0-9０-９.．]+)\s*[%％]"
    r"(?:\s+基準値\s+(?P<bv>\S+))?(?:\s+実数\s+(?P<abs>\S+))?$"
)
_HELP = (
    "（例: R9末 146000、R6～R10 1000以上、R6～R10 合計 5000、R7末 H25比 -40%、R7～R8 未設定 理由）"
)


def parse_target_line(text: str) -> Target:
    t = " ".join(text.split())
    m = _LINE.match(t)
    if m is None:
        raise ValueError(f"目標「{text}」を読めません{_HELP}")
    first = parse_fy(m.group("a"))
    last = parse_fy(m.group("b")) if m.group("b") else first
    body = m.group("body")
    if last < first:
        raise ValueError(f"目標「{text}」: 期間の終わりが始まりより前です")
    if m.group("end"):
        if m.group("b"):
            raise ValueError(f"目標「{text}」: 「末」は1つの年度にだけ付けます{_HELP}")
        if c := _CHANGE.match(body):
            pct = c.group("pct").translate(str.maketrans("－＋", "-+"))
            return Change(
                base_year=parse_fy(c.group("base")),
                percent=_number(pct, "増減率"),
                year=first,
                base_value=_number(c.group("bv"), "基準値") if c.group("bv") else None,
                absolute=_number(c.group("abs"), "実数") if c.group("abs") else None,
            )
        return EndValue(first, _number(body, "目標"))
    if body.startswith("合計"):
        return PeriodSum(_number(body[2:].strip(), "合計"), first, last)
    if body == "未設定" or body.startswith("未設定 "):
        return ToBeSet(body[3:].strip(), first, last)
    maintain = body.endswith("を維持")
    cell = parse_year_cell(body[: -len("を維持")] if maintain else body, first)
    if isinstance(cell, Limit):
        return Limit(cell.bound, cell.value, first, last, maintain=maintain)
    if isinstance(cell, OutsideLimit) and not maintain:
        return OutsideLimit(cell.bound, cell.figure, first, last)
    if isinstance(cell, YearValue) and first == last and not maintain:
        return cell
    raise ValueError(f"目標「{text}」を読めません{_HELP}")


def year_cell_target(t: Target, first_fy: int, last_fy: int) -> int | None:
    """The year whose cell can hold `t` as parse_year_cell reads it back, or None."""
    if isinstance(t, YearValue):
        year = t.year
    elif isinstance(t, Limit | OutsideLimit) and t.first == t.last:
        if isinstance(t, Limit) and t.maintain:
            return None
        year = t.first
    else:
        return None
    return year if first_fy <= year <= last_fy else None


# 「計画」シートの「様式の行」「行の呼び名」: which of the first plan's text rows the plan's sheet has,
# and the plan's own names for them (目指すべき姿)
ROW_WORDS = {r: LABELS[r] for r in SHEET_ROWS}


def sheet_cells(sheet: dict[str, Any]) -> tuple[str, str]:
    """('概要、めざす姿', 'めざす姿＝目指すべき姿') for the plan dict's "sheet"; ('', '') is every row
    under its first plan's name."""
    if not sheet:
        return "", ""
    rows = "、".join(ROW_WORDS[r] for r in sheet.get("rows", ROW_WORDS))
    words = "、".join(f"{ROW_WORDS[k]}＝{w}" for k, w in (sheet.get("words") or {}).items())
    return rows, words


def parse_sheet_cells(rows: str, words: str) -> dict[str, Any]:
    """The "sheet" dict back from the two cells; ValueError naming what is not a row."""
    by_word = {w: k for k, w in ROW_WORDS.items()}
    if not rows.strip() and not words.strip():
        return {}
    out_rows = []
    for w in (x.strip() for x in re.split(r"[、,，\n]+", rows) if x.strip()):
        if w not in by_word:
            raise ValueError(
                f"様式の行「{w}」はありません（{'、'.join(ROW_WORDS.values())} から選びます）"
            )
        out_rows.append(by_word[w])
    out_words: dict[str, str] = {}
    for pair in (x.strip() for x in re.split(r"[、,，\n]+", words) if x.strip()):
        row, sep, word = pair.partition("＝") if "＝" in pair else pair.partition("=")
        if not sep or row.strip() not in by_word or not word.strip():
            raise ValueError(f"行の呼び名「{pair}」を読めません（めざす姿＝目指すべき姿 のように）")
        out_words[by_word[row.strip()]] = word.strip()
    return {"rows": out_rows or list(ROW_WORDS), "words": out_words}
