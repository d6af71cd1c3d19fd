"""Which text rows a plan's sheet has and under which words, as stored (plan.sheet JSON)
and as a plan file declares it: {"rows": ["vision"], "words": {"vision": "目指すべき姿"}}.

An empty object is the first plan's sheet: every row of SHEET_ROWS, named as LABELS names them.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import InvalidValue
from .fields import LABELS
from .model import SHEET_ROWS

Sheet = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]


def parse_sheet(data: object) -> Sheet:
    """(rows, words) from the JSON object; InvalidValue naming what is wrong."""
    if data is None or data == {}:
        return SHEET_ROWS, ()
    if not isinstance(data, Mapping):
        raise InvalidValue("計画の様式（sheet）が読めません", key="sheet")
    unknown = set(data) - {"rows", "words"}
    if unknown:
        raise InvalidValue(f"計画の様式に知らない項目があります: {'、'.join(sorted(unknown))}")
    rows = data.get("rows", list(SHEET_ROWS))
    if not isinstance(rows, list) or not all(r in SHEET_ROWS for r in rows):
        known = "、".join(f"{r}（{LABELS[r]}）" for r in SHEET_ROWS)
        raise InvalidValue(f"計画の様式の行は {known} から選びます: {rows!r}", key="sheet")
    if len(set(rows)) != len(rows):
        raise InvalidValue(f"計画の様式の行が重なっています: {rows!r}", key="sheet")
    words = data.get("words", {})
    if not isinstance(words, Mapping) or not all(
        k in SHEET_ROWS and isinstance(v, str) and v.strip() for k, v in words.items()
    ):
        raise InvalidValue(f"計画の様式の呼び名が読めません: {words!r}", key="sheet")
    ordered = tuple(r for r in SHEET_ROWS if r in rows)  # printed order, whatever was written
    return ordered, tuple((k, words[k].strip()) for k in SHEET_ROWS if k in words)


def sheet_to_dict(rows: tuple[str, ...], words: tuple[tuple[str, str], ...]) -> dict[str, object]:
    """The JSON object parse_sheet reads back; {} for the first plan's sheet."""
    if rows == SHEET_ROWS and not words:
        return {}
    return {"rows": list(rows), "words": dict(words)}
