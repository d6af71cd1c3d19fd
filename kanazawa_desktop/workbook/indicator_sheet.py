"""The `指標` sheet: one row per indicator and fiscal year, and how a returned row reads back.

Columns (INDICATOR_HEADERS): 番号 (the indicator key, No.86-1), 指標名, 単位, 基準値, 基準年度,
年度 (R5), 目標値 (the target as the plan words it, text), 実績値, 判定 (the verdict when the
workbook was written), 比較する数値 (the outside figure, e.g. 中核市平均).

One entry cell per value: 実績値 is an input column only for a measure with several
indicators (one indicator: entered in 入力, shown here locked); 比較する数値 only for an
indicator compared with an outside figure. Every other cell is locked, and a digest of what
the locked cells show is kept in the manifest (ManifestRow.indicators), so an edited locked
cell is found without protection.

* `IndicatorRow`, `shown(row)`: what the writer lays out;
* `input_columns(mr, i)`: {column: field} of the row of manifest row `mr`'s i-th indicator;
* `row_digest(values, open_columns)`: the digest of the locked cells;
* `row_key(values)`, `where(row, col)`: matching and naming a returned row's cells;
* `unit_format(unit, decimals)`: a number format that shows the unit (`0.0#"%"`, `#,##0"件"`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import fields as F
from ..domain.fiscal import short_label
from .entry_sheet import as_text
from .layout import (
    ICOL_ACTUAL,
    ICOL_FIGURE,
    ICOL_NUMBER,
    ICOL_YEAR,
    INDICATOR_HEADERS,
    INDICATOR_SHEET,
    cell_name,
)
from .manifest import ManifestRow, cells_digest, num_text

PERCENT_UNITS = ("%", "％")
MAX_FORMAT = 255  # Excel's longest number format code


@dataclass(frozen=True)
class IndicatorRow:
    """What one 指標 row shows, and which of its value cells are input cells (`*_open`: left
    out of the digest) and unlocked (`*_editable`)."""

    key: str
    name: str
    unit: str
    baseline: float | None
    baseline_year: str
    fy: int
    target: str
    actual: float | None
    verdict: str
    figure: float | None
    figure_name: str = ""
    actual_open: bool = False
    figure_open: bool = False
    actual_editable: bool = False
    figure_editable: bool = False
    decimals: int = 0  # of the numbers the plan states for it (the format's decimals)


def shown(row: IndicatorRow) -> list[object]:
    """The row's 10 cells, A..J."""
    return [
        row.key,
        row.name,
        row.unit,
        row.baseline,
        row.baseline_year,
        short_label(row.fy),
        row.target,
        row.actual,
        row.verdict,
        row.figure,
    ]


def _cell_text(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return num_text(float(value))
    return as_text(value)


def row_digest(values: list[object], open_columns: set[int] | frozenset[int]) -> str:
    """Digest of what the locked cells show (numbers as floats, so 10 and 10.0 agree)."""
    return cells_digest(["" if c in open_columns else _cell_text(v) for c, v in enumerate(values)])


def input_columns(mr: ManifestRow, index: int) -> dict[int, str]:
    """The input cells of the 指標 row of `mr`'s `index`-th indicator, by column: 実績値 when
    the measure has several indicators (the first one's is the plain `actual`), 比較する数値
    when the manifest carries a base for the indicator's outside figure."""
    key = mr.indicators[index][0]
    out: dict[int, str] = {}
    if mr.actual_in_indicator_sheet:
        out[ICOL_ACTUAL] = F.ACTUAL if index == 0 else F.series_field(F.ACTUAL, key)
    figure = F.series_field(F.FIGURE, key)
    if figure in mr.series:
        out[ICOL_FIGURE] = figure
    return out


def row_key(values: list[object]) -> tuple[str, str]:
    """(番号, 年度) as the row shows them, e.g. ("No.86-1", "R5")."""
    return as_text(values[ICOL_NUMBER]).strip(), as_text(values[ICOL_YEAR]).strip()


def where(row: int, col: int) -> str:
    """「指標!H12（実績値）」."""
    return f"{INDICATOR_SHEET}!{cell_name(row, col)}（{INDICATOR_HEADERS[col]}）"


def _literal(text: str) -> str:
    """`text` as literal text of a number format: quoted, a `"` escaped with a backslash
    (nothing inside quotes is a format character: `%`, `;`, `[Red]`, `0` stay text)."""
    parts, run = [], ""
    for ch in text:
        if ch == '"':
            if run:
                parts.append(f'"{run}"')
                run = ""
            parts.append('\\"')
        else:
            run += ch
    if run:
        parts.append(f'"{run}"')
    return "".join(parts)


def unit_format(unit: str, decimals: int = 0) -> str:
    """A number format showing the value with its unit: `0.0#"%"` for a percentage (the
    cell holds 98.45, not 0.9845: never a percent format), `#,##0"件"` for a count,
    `#,##0.0"t"` where the plan states tenths. Without a unit, or one too long for a format
    code, the number alone."""
    u = unit.strip()
    if u in PERCENT_UNITS:
        number = "0.0#" if decimals <= 2 else "0." + "0" * min(decimals, 3)
    else:
        number = "#,##0" + ("." + "0" * min(decimals, 3) if decimals > 0 else "")
    if not u:
        return number
    code = number + _literal(u)
    return code if len(code) <= MAX_FORMAT else number


def decimals_of(values: list[float | None]) -> int:
    """The most decimals any of `values` is stated with (at most 3)."""
    most = 0
    for v in values:
        if v is None:
            continue
        text = f"{float(v):.12g}"
        if "e" in text:
            continue
        most = max(most, len(text.partition(".")[2]))
    return min(most, 3)
