"""Fiscal years (年度, April–March) and their 令和 names.

Storage keeps Gregorian fiscal years (2023); people read 令和 (R5, 令和5年度).
令和N年度 = FY 2018+N.
"""

from __future__ import annotations

import re
from datetime import date

REIWA_OFFSET = 2018

_SHORT = re.compile(r"^\s*[RrＲ]\s*([0-9０-９]+)\s*$")
_LONG = re.compile(r"^\s*令和\s*([0-9０-９]+|元)\s*年度?\s*$")


HEISEI_OFFSET = 1988  # a base year of a plan may lie before 令和 (H25 = FY 2013)


def short_label(fy: int) -> str:
    """2023 -> 'R5' (the workbook's and 一覧's column heading); 2013 -> 'H25'."""
    if fy <= REIWA_OFFSET:
        return f"H{fy - HEISEI_OFFSET}"
    return f"R{fy - REIWA_OFFSET}"


def long_label(fy: int) -> str:
    """2023 -> '令和5年度'; 2013 -> '平成25年度' (FY 2018 is 平成30年度: 令和 began in FY 2019)."""
    if fy <= REIWA_OFFSET:
        return f"平成{fy - HEISEI_OFFSET}年度"
    return f"令和{fy - REIWA_OFFSET}年度"


def parse_label(text: str) -> int:
    """'R5', 'Ｒ５', '令和5年度', '令和元年度' -> Gregorian fiscal year; ValueError otherwise."""
    m = _SHORT.match(text) or _LONG.match(text)
    if not m:
        raise ValueError(f"not a fiscal-year label: {text!r}")
    n = m.group(1)
    year = 1 if n == "元" else int(n.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    if year < 1:
        raise ValueError(f"not a fiscal-year label: {text!r}")
    return year + REIWA_OFFSET


def era_date(text: str) -> str:
    """'2026-11-30…' (an ISO date or date-time) -> '令和8年11月30日' ('令和元年5月1日');
    before 2019-05-01 in 平成. '' when `text` holds no date."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text or "")
    if not m:
        return ""
    y, mo, d = (int(g) for g in m.groups())
    if (y, mo, d) >= (2019, 5, 1):
        era, n = "令和", y - REIWA_OFFSET
    else:
        era, n = "平成", y - HEISEI_OFFSET
    return f"{era}{'元' if n == 1 else n}年{mo}月{d}日"


def fiscal_year_of(day: date) -> int:
    """The fiscal year (April to March) `day` falls in: 2026-11-30 and 2027-03-31 -> 2026."""
    return day.year if day.month >= 4 else day.year - 1


def current_fiscal_year(years: tuple[int, ...], today: date | None = None) -> int:
    """Today's fiscal year within a plan's `years`: the last year once the plan is over, the
    first before it starts (`today` is injected by tests; default the real date)."""
    fy = fiscal_year_of(today or date.today())
    return min(max(fy, years[0]), years[-1]) if years else fy
