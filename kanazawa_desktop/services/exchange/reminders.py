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

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path

from ...domain.deadline import as_date
from ...domain.model import Plan
from ...files import staging
from ..targets import check_target, output_error
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
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    w.writerow(REMINDER_HEADERS)
    w.writerows(rows)
    return buf.getvalue()


def write_reminder_csv(path: Path, rows: Iterable[Iterable[str]]) -> Path:
    out = check_target(Path(path))
    data = as_text(rows).encode("utf-8-sig")
    tmp = None
    try:
        tmp = staging.create_beside(out)
        tmp.write_bytes(data)
        os.replace(tmp, out)
    except OSError as exc:
        raise output_error(out, exc) from exc
    finally:
        if tmp is not None:
            staging.discard(tmp)
    return out
