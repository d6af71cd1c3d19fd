"""The `入力` sheet's columns read back as fields: what each cell of a returned row says.

A row (the 9 cells A..I as reader.EntryRow holds them) maps to:

* `row_key(values)`: its identity, (取組No. label, 年度 label) as shown, e.g. ("No.10", "R5");
* `locked_cells(values)`: the definition cells (取組事項名, 担当課, 実施計画, 目標値) as field
  values, and their digest to compare with the manifest's; None when 目標値 is not a number
  (nor the note 「指標シートに入力」 of a measure with several indicators, which is no value);
* `input_cells(values)`: the raw cell of each input field (実施結果, 計画達成状況, 実績値);
* `where(row, field)`: the cell's name for a message, e.g. 「入力!F12（実施結果）」.

Only the mapping lives here; whether a value is acceptable is domain.values.validate's
rule, and matching rows against the manifest is the import service's.
"""

from __future__ import annotations

from datetime import date, datetime, time

from ..domain import fields as F
from ..domain.achievement import checked_number, format_number, parse_number
from .layout import (
    COL_DEPT,
    COL_NAME,
    COL_NUMBER,
    COL_PLAN,
    COL_TARGET,
    COL_YEAR,
    ENTRY_HEADERS,
    ENTRY_SHEET,
    FIELD_COLUMNS,
    INDICATOR_SHEET_NOTE,
    cell_name,
)
from .manifest import locked_digest


def as_text(value: object) -> str:
    """A cell read back as the text a person sees (numbers without a trailing .0)."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def cell_number(value: object) -> float | None:
    """A number cell: None when empty; ValueError/OverflowError when it holds no plain number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return checked_number(float(value))
    return parse_number(str(value))


def where(row: int, field_or_col: str | int) -> str:
    """「入力!F12（実施結果）」: a cell of the sheet by its row and its field (or column)."""
    col = FIELD_COLUMNS[field_or_col] if isinstance(field_or_col, str) else field_or_col
    return f"{ENTRY_SHEET}!{cell_name(row, col)}（{ENTRY_HEADERS[col]}）"


def row_key(values: list[object]) -> tuple[str, str]:
    """(取組No., 年度) as the row shows them: how a returned row is matched to the manifest."""
    return as_text(values[COL_NUMBER]).strip(), as_text(values[COL_YEAR]).strip()


def locked_cells(values: list[object]) -> tuple[dict[str, tuple[object, bool]], str] | None:
    """The row's definition cells as (value, blank=False) per field, and their digest; None
    if 目標値 is not a number. Where 目標値 is the note 「指標シートに入力」 the fields hold
    no 目標値 (the indicators' definitions carry the targets)."""
    target: float | str | None
    if values[COL_TARGET] == INDICATOR_SHEET_NOTE:
        target = INDICATOR_SHEET_NOTE
    else:
        try:
            target = cell_number(values[COL_TARGET])
        except (ValueError, OverflowError):
            return None
    name, depts, plan = (
        as_text(values[COL_NAME]),
        as_text(values[COL_DEPT]),
        as_text(values[COL_PLAN]),
    )
    number, year = row_key(values)
    digest = locked_digest(number, name, depts, year, plan, target)
    defs: dict[str, tuple[object, bool]] = {
        "name": (name, False),
        "departments": ([d for d in depts.split("、") if d], False),
        F.PLAN_TEXT: (plan, False),
    }
    if not isinstance(target, str):
        defs[F.TARGET] = (target, False)
    return defs, digest


def input_cells(values: list[object]) -> dict[str, object]:
    """The raw cell of each input field, in the sheet's column order."""
    return {field: values[col] for field, col in FIELD_COLUMNS.items()}
