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

from collections.abc import Callable
from dataclasses import dataclass

from ...domain import fields as F
from ...domain.errors import InvalidValue
from ...domain.fiscal import short_label
from ...domain.merge import same
from ...domain.values import EXCEL_CELL_LIMIT, validate
from ...workbook.entry_sheet import as_text, input_cells, locked_cells, row_key, where
from ...workbook.layout import ENTRY_SHEET
from ...workbook.manifest import ManifestRow
from ...workbook.reader import ReturnedWorkbook


@dataclass(frozen=True)
class Refusal:
    message: str
    row: int | None = None


# a manifest row found in the sheet, and its input fields' parsed (value, blank?)
ParsedRow = tuple[ManifestRow, dict[str, tuple[object, bool]]]


def parse_field(
    field: str, raw: object, row: int, unit: str = ""
) -> tuple[object, bool, str | None]:
    """(value as stored, blank?, refusal message or None) for one input cell.

    The value rule is domain.values.validate's, the same as the form's save (an 実績値 may
    carry its indicator's `unit`: 「72件」); a text cell is read as the text a person sees
    (12 rather than 12.0)."""
    blank = raw is None or raw == ""
    try:
        return validate(field, raw if field == F.ACTUAL else as_text(raw), unit=unit), blank, None
    except InvalidValue as exc:
        if field == F.ACTUAL and unit:
            return None, blank, f"{where(row, field)}: {exc.message}"
        if field == F.RESULT_TEXT:
            problem = (
                f"文字数が上限を超えています（{exc.data.get('length')}文字。"
                f"上限は{EXCEL_CELL_LIMIT}文字）"
            )
        elif field == F.STATUS:
            problem = f"「{as_text(raw).strip()[:40]}」は選択肢（未確定・達成・未達成）にありません"
        else:
            problem = f"「{as_text(raw)[:40]}」は数値ではありません"
        return None, blank, f"{where(row, field)}: {problem}"


def check_rows(
    wb: ReturnedWorkbook,
    *,
    sync: bool = False,
    years: tuple[int, ...] | None = None,
    unit: Callable[[str], str] = lambda key: "",
) -> tuple[list[ParsedRow], list[Refusal]]:
    """The rows of a returned workbook checked against its manifest; `unit(measure_key)` is
    the unit an 実績値 of that measure may be typed with."""
    refusals: list[Refusal] = []
    for letters, row in wb.formulas:
        place = f"{ENTRY_SHEET}!{letters}{row}" if row else ENTRY_SHEET
        refusals.append(
            Refusal(f"{place}: 数式は入力できません。値を入力してください", row or None)
        )
    index = {(mr.label, short_label(mr.fy)): mr for mr in wb.manifest.rows}
    seen: dict[tuple[str, str], int] = {}
    values: list[ParsedRow] = []
    for er in wb.rows:
        v = er.values
        if er.outside:
            refusals.append(
                Refusal(f"{ENTRY_SHEET} {er.row}行目: 表の右側（J列以降）に入力があります", er.row)
            )
        key = row_key(v)
        mr = index.get(key)
        if mr is None:
            refusals.append(
                Refusal(
                    f"{ENTRY_SHEET} {er.row}行目: 取組No.・年度（{key[0]} {key[1]}）が配布時の行と"
                    f"一致しません（行の追加、または取組No.・年度の変更）",
                    er.row,
                )
            )
            continue
        if years is not None and mr.fy not in years:
            refusals.append(
                Refusal(
                    f"{ENTRY_SHEET} {er.row}行目: 年度（{key[1]}）は計画の期間"
                    f"（{short_label(years[0])}〜{short_label(years[-1])}）にありません",
                    er.row,
                )
            )
            continue
        if key in seen:
            refusals.append(
                Refusal(
                    f"{ENTRY_SHEET} {er.row}行目: {key[0]} {key[1]} の行が重複しています"
                    f"（{seen[key]}行目と同じ）",
                    er.row,
                )
            )
            continue
        seen[key] = er.row
        locked = locked_cells(v)
        if locked is None or locked[1] != mr.locked:
            refusals.append(
                Refusal(
                    f"{ENTRY_SHEET} {er.row}行目: 変更できないセル（取組事項名・担当課・実施計画・"
                    f"目標値）が変更されています",
                    er.row,
                )
            )
            continue
        parsed: dict[str, tuple[object, bool]] = dict(locked[0])
        cells = input_cells(v)
        for field, raw in cells.items():
            value, blank, problem = parse_field(field, raw, er.row, unit(mr.measure_key))
            if problem:
                refusals.append(Refusal(problem, er.row))
                continue
            parsed[field] = (value, blank)
            changed = not same(value, mr.base(field)) or (blank and field == F.STATUS and mr.status)
            if changed and (sync or field not in mr.editable):
                why = (
                    "事務局の一覧表のセルが変更されています。受け取ったままのブックを取り込んでください"
                    if sync
                    else "このセルは入力できません（担当外・廃止の取組、または数値目標のない取組）"
                )
                refusals.append(Refusal(f"{where(er.row, field)}: {why}", er.row))
        if all(f in parsed for f in cells):
            values.append((mr, parsed))
    for key, mr in index.items():
        if key not in seen:
            refusals.append(
                Refusal(f"{ENTRY_SHEET}: {mr.label} {short_label(mr.fy)} の行が削除されています")
            )
    return values, refusals
