"""The shared workbook's fixed layout: sheet names, header cells, columns, limits.

This module is the contract both the writer and the reader follow (see docs/workbook.md):

* `取組事項一覧` (named in the plan's word: Plan.list_title, 施策一覧) – the list as printed in
  the plan: grouped by 方針 and 項目, headers `取組No.`, `取組事項名`, `担当課`, then one `R5`…
  column of 計画達成状況 per year. No reader looks for it by name.
* `入力` – one row per measure and fiscal year, headers in `ENTRY_HEADERS`. Only the cells
  a department may fill (実施結果, 計画達成状況, and 実績値 of 【数値目標】 measures, of the
  department's own current measures) are unlocked. 【再掲】 rows are not listed: their
  results belong to the measure they repeat.
* one 取組管理票 sheet per measure, named by its number (`No.1`), read-only — when the
  workbook holds at most MAX_MEASURE_SHEETS measures (a city-scale master list has none).
* `指標` (format 5) – one row per indicator and fiscal year, headers in `INDICATOR_HEADERS`
  (see indicator_sheet.py): only 実績値 (of a measure with several indicators) and 比較する数値
  (of an indicator compared with an outside figure) are input cells. A measure with one
  indicator keeps its entry cell in 入力 (one entry cell per value).
* `MANIFEST_SHEET` – hidden (never veryHidden: LibreOffice turns that into hidden anyway):
  ids, scope, the values each row was issued with, and a checksum (see manifest.py).
"""

from __future__ import annotations

# the longest text a cell holds is the longest a field may hold: one constant, in domain/
from ..domain.indicator import INDICATOR_COLUMNS
from ..domain.values import EXCEL_CELL_LIMIT as EXCEL_CELL_LIMIT

ENTRY_SHEET = "入力"
MANIFEST_SHEET = "_manifest"
MANIFEST_MAGIC = "kanazawa-desk-manifest"
# 2 added the measure definitions of a master workbook, 3 what a department last sent,
# 4 the issuing database's sequence number, 5 the 指標 sheet (indicator rows and the base
# values of every indicator's actual and outside figure)
FORMAT_VERSION = 5
READABLE_VERSIONS = (1, 2, 3, 4, 5)
INDICATOR_SHEET = "指標"
# what 入力's 目標値 says for a measure with several indicators: its 実績値 cell is locked and
# empty, every indicator's value is entered in 指標
INDICATOR_SHEET_NOTE = "指標シートに入力"

LIST_HEADERS = ("取組No.", "取組事項名", "担当課")  # then R5..R8

# 入力: column letter, header, field (None: identifying / read-only text)
(
    COL_NUMBER,
    COL_NAME,
    COL_DEPT,
    COL_YEAR,
    COL_PLAN,
    COL_RESULT,
    COL_STATUS,
    COL_TARGET,
    COL_ACTUAL,
) = range(9)
ENTRY_HEADERS = (
    "取組No.",
    "取組事項名",
    "担当課",
    "年度",
    "実施計画",
    "実施結果",
    "計画達成状況",
    "目標値",
    "実績値",
)
ENTRY_WIDTHS = (9, 34, 18, 7, 40, 50, 13, 11, 11)
# Field of each input column, and the column of each field.
INPUT_COLUMNS = {COL_RESULT: "result_text", COL_STATUS: "status", COL_ACTUAL: "actual"}
FIELD_COLUMNS = {v: k for k, v in INPUT_COLUMNS.items()}
ENTRY_FIRST_ROW = 2  # row 1 holds the headers

# 指標: one row per indicator and fiscal year
(
    ICOL_NUMBER,
    ICOL_NAME,
    ICOL_UNIT,
    ICOL_BASE,
    ICOL_BASE_YEAR,
    ICOL_YEAR,
    ICOL_TARGET,
    ICOL_ACTUAL,
    ICOL_VERDICT,
    ICOL_FIGURE,
) = range(10)
INDICATOR_HEADERS = (*INDICATOR_COLUMNS, "比較する数値")
INDICATOR_WIDTHS = (10, 30, 8, 11, 12, 7, 22, 12, 9, 12)

STATUS_CHOICES = ("未確定", "達成", "未達成")
# A workbook holding more measures than this carries no 取組管理票 sheets (the PDF has them):
# LibreOffice needs 4.9 GB to open 2,000 sheets and cannot open 19,800, and openpyxl's
# create_sheet checks every existing title (quadratic). A department's part stays under it.
MAX_MEASURE_SHEETS = 300

SCOPE_MASTER = "master"
SCOPE_DEPARTMENT = "department"


def column_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    out = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def cell_name(row: int, col: int) -> str:
    """1-based row, 0-based column -> '入力!F12'-style reference without the sheet."""
    return f"{column_letter(col)}{row}"


def measure_sheet_name(label: str) -> str:
    """The 取組管理票 sheet of a measure: its number label, cleaned for a sheet name."""
    bad = "[]:*?/\\"
    name = "".join("_" if ch in bad else ch for ch in label)
    return name[:31] or "取組"
