"""A collection round's 回収期限: how it is typed, how it reads, and when it is overdue.

Stored as an ISO date (`exchange_export.deadline`, schema 10). The rules take `today` as an
argument and never read the clock, so a test can place itself on any day.

* `parse_deadline("2026-12-25" | "2026/12/25")` -> date; ValueError with a Japanese reason.
* `deadline_label(date | "2026-12-25")` -> '令和8年12月25日（金）'.
* `is_overdue(deadline, issued_at, returned_at, today)`: the deadline has passed (the day
  itself is still in time) and nothing came back since the workbook that set it was issued.
"""

from __future__ import annotations

import re
from datetime import date

from .fiscal import era_date

WEEKDAYS = "月火水木金土日"
_DATE = re.compile(r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})\s*$")


def parse_deadline(text: str) -> date:
    """'2026-12-25' or '2026/12/25' (month and day may have one digit) -> date."""
    m = _DATE.match(
        (text or "").translate(str.maketrans("０１２３４５６７８９／－", "0123456789/-"))
    )
    if not m:
        raise ValueError(f"回収期限は 2026-12-25 または 2026/12/25 の形で指定してください: {text}")
    try:
        return date(*(int(g) for g in m.groups()))
    except ValueError:
        raise ValueError(f"回収期限の日付がありません: {text}") from None


def as_date(value: date | str | None) -> date | None:
    """An ISO date (or the date part of an ISO date-time) as a date; None for none."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def deadline_label(value: date | str | None) -> str:
    """'令和8年12月25日（金）'; '' for no deadline."""
    day = as_date(value)
    if day is None:
        return ""
    return f"{era_date(day.isoformat())}（{WEEKDAYS[day.weekday()]}）"


def is_overdue(
    deadline: date | str | None, issued_at: str | None, returned_at: str | None, today: date
) -> bool:
    """True when `deadline` is before `today` and no return was imported since `issued_at`
    (the workbook that set the deadline). ISO timestamps of one database compare as text."""
    day = as_date(deadline)
    if day is None or today <= day:
        return False
    return returned_at is None or (issued_at is not None and returned_at < issued_at)
