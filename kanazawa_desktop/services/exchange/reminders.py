"""The reminder list (督促リスト): the departments still to chase, from the 回収状況.

`reminder_rows(blocks)` -> one row per department still to chase (未回収, or overdue:
status.DepartmentStatus.to_chase), each (担当課, 計画, 配布日, 回収期限, 状況) as text, in the
order of `blocks` (plan by plan, departments as the 回収状況 lists them). Dates are written
2026/12/25 so Excel reads them as dates; 状況 is 期限切れ or 未回収.

`write_reminder_csv(path, rows)` writes them with the header as CSV in UTF-8 with a BOM (so
Excel opens the Japanese right), through a temporary beside the target: a failed write
leaves no partial file. A target that is a folder or a database is refused (targets.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ...domain.deadline import as_date
from ...domain.model import Plan
from ..csv_files import csv_text, save_csv
from .status import DepartmentStatus

REMINDER_HEADERS = ("担当課", "計画", "配布日", "回収期限", "状況")


def _day(iso: str | None) -> str:
    day = as_date(iso)
    return f"{day.year}/{day.month:02d}/{day.day:02d}" if day else ""


def reminder_rows(
    blocks: Iterable[tuple[Plan, list[DepartmentStatus]]],
) -> list[tuple[str, str, str, str, str]]:
    return [
        (s.department, plan.name, _day(s.issued_at), _day(s.deadline), s.chase_state)
        for plan, rows in blocks
        for s in rows
        if s.to_chase
    ]


def as_text(rows: Iterable[Iterable[str]], delimiter: str = ",", newline: str = "\r\n") -> str:
    """The header and the rows as CSV (CRLF line ends, as Excel writes), or with delimiter
    "\\t" and newline "\\n" as TSV for a terminal or the clipboard."""
    return csv_text([REMINDER_HEADERS, *rows], delimiter, newline)


def write_reminder_csv(path: Path, rows: Iterable[Iterable[str]]) -> Path:
    return save_csv(path, [REMINDER_HEADERS, *rows])
