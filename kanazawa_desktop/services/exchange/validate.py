"""Row-level checks of a returned workbook's `入力` sheet against its manifest.

`check_rows(wb, sync, years)` returns, for every manifest row found in the sheet, the parsed
value of each input field as `(value, blank)` (blank: the cell was empty), and a list of
refusals, each a Japanese sentence naming the cell. Refused:

* a formula anywhere in 入力 (a value reader sees only its cached result);
* rows matched by their locked cells 取組No. + 年度 (so sorting or filtering is harmless):
  a row whose id is not in the manifest (changed id or added row), the same id twice
  (duplicated row), a manifest row missing from the sheet (removed row), text right of
  the table;
* a locked cell (取組事項名, 担当課, 実施計画, 目標値) that no longer shows what was issued
  (compared through the manifest's digest of the row's locked cells);
* an input cell not editable for this row (another department's measure, a retired
  measure, 実績値 of a measure without a numeric target) changed from its base — and, for
  a master workbook synced onto a department PC, any input cell changed at all;
* a row of a fiscal year outside the plan's `years` (a manifest can be forged with its
  checksum recomputed, and the 年度 cell and digest with it: FY2099 must not be written);
* 計画達成状況 outside 未確定/達成/未達成; 実績値 that is not a number; text longer than
  Excel's 32,767 characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from ...domain import fields as F
from ...domain.achievement import checked_number, format_number, parse_number
from ...domain.fiscal import short_label
from ...domain.merge import same
from ...domain.status import Status
from ...domain.text import clean_text
from ...workbook.layout import (
    COL_DEPT,
    COL_NAME,
    COL_NUMBER,
    COL_PLAN,
    COL_TARGET,
    COL_YEAR,
    ENTRY_HEADERS,
    ENTRY_SHEET,
    EXCEL_CELL_LIMIT,
    FIELD_COLUMNS,
    cell_name,
)
from ...workbook.manifest import locked_digest
from ...workbook.reader import ReturnedWorkbook


@dataclass(frozen=True)
class Refusal:
    message: str
    row: int | None = None


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


def _number(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return checked_number(float(value))
    return parse_number(str(value))


def _where(row: int, col: int) -> str:
    return f"{ENTRY_SHEET}!{cell_name(row, col)}（{ENTRY_HEADERS[col]}）"


def parse_field(field: str, raw: object, row: int) -> tuple[object, bool, str | None]:
    """(value as stored, blank?, refusal message or None) for one input cell."""
    blank = raw is None or raw == ""
    col = FIELD_COLUMNS[field]
    if field == F.RESULT_TEXT:
        text = clean_text(as_text(raw))
        if len(text) > EXCEL_CELL_LIMIT:
            return None, blank, (f"{_where(row, col)}: 文字数が上限を超えています"
                                 f"（{len(text)}文字。上限は{EXCEL_CELL_LIMIT}文字）")
        return text, blank, None
    if field == F.STATUS:
        text = as_text(raw).strip()
        try:
            return Status.from_label(text).value, blank, None
        except ValueError:
            return None, blank, f"{_where(row, col)}: 「{text[:40]}」は選択肢（未確定・達成・未達成）にありません"
    try:
        return _number(raw), blank, None
    except (ValueError, OverflowError):
        return None, blank, f"{_where(row, col)}: 「{as_text(raw)[:40]}」は数値ではありません"


def _locked(values: list[object]) -> tuple[dict[str, tuple[object, bool]], str] | None:
    """The row's definition cells as values, and their digest; None if 目標値 is not a number."""
    try:
        target = _number(values[COL_TARGET])
    except (ValueError, OverflowError):
        return None
    name, depts, plan = as_text(values[COL_NAME]), as_text(values[COL_DEPT]), as_text(values[COL_PLAN])
    digest = locked_digest(as_text(values[COL_NUMBER]).strip(), name, depts,
                           as_text(values[COL_YEAR]).strip(), plan, target)
    defs = {"name": (name, False), "departments": ([d for d in depts.split("、") if d], False),
            F.PLAN_TEXT: (plan, False), F.TARGET: (target, False)}
    return defs, digest


def check_rows(wb: ReturnedWorkbook, *, sync: bool = False, years: tuple[int, ...] | None = None):
    refusals: list[Refusal] = []
    for letters, row in wb.formulas:
        where = f"{ENTRY_SHEET}!{letters}{row}" if row else ENTRY_SHEET
        refusals.append(Refusal(f"{where}: 数式は入力できません。値を入力してください", row or None))
    index = {(mr.label, short_label(mr.fy)): mr for mr in wb.manifest.rows}
    seen: dict[tuple[str, str], int] = {}
    values = []
    for er in wb.rows:
        v = er.values
        if er.outside:
            refusals.append(Refusal(f"{ENTRY_SHEET} {er.row}行目: 表の右側（J列以降）に入力があります", er.row))
        key = (as_text(v[COL_NUMBER]).strip(), as_text(v[COL_YEAR]).strip())
        mr = index.get(key)
        if mr is None:
            refusals.append(Refusal(f"{ENTRY_SHEET} {er.row}行目: 取組No.・年度（{key[0]} {key[1]}）が配布時の行と"
                                    f"一致しません（行の追加、または取組No.・年度の変更）", er.row))
            continue
        if years is not None and mr.fy not in years:
            refusals.append(Refusal(f"{ENTRY_SHEET} {er.row}行目: 年度（{key[1]}）は計画の期間"
                                    f"（{short_label(years[0])}〜{short_label(years[-1])}）にありません", er.row))
            continue
        if key in seen:
            refusals.append(Refusal(f"{ENTRY_SHEET} {er.row}行目: {key[0]} {key[1]} の行が重複しています"
                                    f"（{seen[key]}行目と同じ）", er.row))
            continue
        seen[key] = er.row
        locked = _locked(v)
        if locked is None or locked[1] != mr.locked:
            refusals.append(Refusal(f"{ENTRY_SHEET} {er.row}行目: 変更できないセル（取組事項名・担当課・実施計画・"
                                    f"目標値）が変更されています", er.row))
            continue
        parsed: dict[str, tuple[object, bool]] = dict(locked[0])
        for field, col in FIELD_COLUMNS.items():
            value, blank, problem = parse_field(field, v[col], er.row)
            if problem:
                refusals.append(Refusal(problem, er.row))
                continue
            parsed[field] = (value, blank)
            changed = not same(value, mr.base(field)) or (blank and field == F.STATUS and mr.status)
            if changed and (sync or field not in mr.editable):
                why = ("事務局の一覧表のセルが変更されています。受け取ったままのブックを取り込んでください"
                       if sync else "このセルは入力できません（担当外・廃止の取組、または数値目標のない取組）")
                refusals.append(Refusal(f"{_where(er.row, col)}: {why}", er.row))
        if all(f in parsed for f in FIELD_COLUMNS):
            values.append((mr, parsed))
    for key, mr in index.items():
        if key not in seen:
            refusals.append(Refusal(f"{ENTRY_SHEET}: {mr.label} {short_label(mr.fy)} の行が削除されています"))
    return values, refusals
