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

The `指標` sheet of a format-5 workbook is checked the same way (its rows matched by 番号 +
年度, its locked cells through the digest of each manifest row's `indicators`), its input
cells parsed with the indicator's unit into the fields they stand for (`actual` for the
first indicator of a measure with several, `actual:<key>`, `figure:<key>`). One entry cell
per value: where 実績値 is entered in 指標, 入力's must stay empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...domain import fields as F
from ...domain.errors import InvalidValue
from ...domain.fiscal import short_label
from ...domain.merge import same
from ...domain.values import EXCEL_CELL_LIMIT, validate
from ...workbook import indicator_sheet as IS
from ...workbook.entry_sheet import as_text, input_cells, locked_cells, row_key, where
from ...workbook.layout import ENTRY_SHEET, INDICATOR_SHEET
from ...workbook.manifest import ManifestRow
from ...workbook.reader import EntryRow, ReturnedWorkbook


@dataclass(frozen=True)
class Refusal:
    message: str
    row: int | None = None


# a manifest row found in the sheet, and its input fields' parsed (value, blank?)
ParsedRow = tuple[ManifestRow, dict[str, tuple[object, bool]]]


def parse_field(
    field: str, raw: object, row: int, unit: str = "", place: str = ""
) -> tuple[object, bool, str | None]:
    """(value as stored, blank?, refusal message or None) for one input cell; `place` names
    the cell (default: 入力's cell of `field` in `row`).

    The value rule is domain.values.validate's, the same as the form's save (an 実績値 may
    carry its indicator's `unit`: 「72件」); a text cell is read as the text a person sees
    (12 rather than 12.0)."""
    blank = raw is None or raw == ""
    number = field == F.ACTUAL or F.split_series(field) is not None
    place = place or where(row, field)
    try:
        return validate(field, raw if number else as_text(raw), unit=unit), blank, None
    except InvalidValue as exc:
        if number and unit:
            return None, blank, f"{place}: {exc.message}"
        if field == F.RESULT_TEXT:
            problem = (
                f"文字数が上限を超えています（{exc.data.get('length')}文字。"
                f"上限は{EXCEL_CELL_LIMIT}文字）"
            )
        elif field == F.STATUS:
            problem = f"「{as_text(raw).strip()[:40]}」は選択肢（未確定・達成・未達成）にありません"
        else:
            problem = f"「{as_text(raw)[:40]}」は数値ではありません"
        return None, blank, f"{place}: {problem}"


def check_rows(
    wb: ReturnedWorkbook,
    *,
    sync: bool = False,
    years: tuple[int, ...] | None = None,
    unit: Callable[[str, str], str] = lambda key, field: "",
) -> tuple[list[ParsedRow], list[Refusal]]:
    """The rows of a returned workbook checked against its manifest; `unit(measure_key,
    field)` is the unit a value of that indicator field may be typed with."""
    refusals: list[Refusal] = []
    for sheet, formulas in ((ENTRY_SHEET, wb.formulas), (INDICATOR_SHEET, wb.indicator_formulas)):
        for letters, row in formulas:
            place = f"{sheet}!{letters}{row}" if row else sheet
            refusals.append(
                Refusal(f"{place}: 数式は入力できません。値を入力してください", row or None)
            )
    index = {(mr.label, short_label(mr.fy)): mr for mr in wb.manifest.rows}
    seen: dict[tuple[str, str], int] = {}
    values: list[ParsedRow] = []
    found: dict[tuple[str, int], dict[str, tuple[object, bool]]] = {}
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
            if field == F.ACTUAL and mr.actual_in_indicator_sheet:
                if raw not in (None, ""):  # one entry cell per value: 指標's
                    refusals.append(
                        Refusal(
                            f"{where(er.row, field)}: このセルは入力できません"
                            "（この取組の実績値は「指標」シートに入力します）",
                            er.row,
                        )
                    )
                continue
            problem = _take(parsed, mr, field, raw, er.row, unit, sync, where(er.row, field))
            if problem:
                refusals.append(Refusal(problem, er.row))
        found[(mr.measure_key, mr.fy)] = parsed
    for key, mr in index.items():
        if key not in seen:
            refusals.append(
                Refusal(f"{ENTRY_SHEET}: {mr.label} {short_label(mr.fy)} の行が削除されています")
            )
    if wb.manifest.version >= 5:
        refusals += _check_indicator_rows(wb, found, years, unit, sync)
    for mr in wb.manifest.rows:
        cells_read = found.get((mr.measure_key, mr.fy))
        if cells_read is not None and all(f in cells_read for f in mr.fields()):
            values.append((mr, cells_read))
    return values, refusals


def _take(
    parsed: dict[str, tuple[object, bool]],
    mr: ManifestRow,
    field: str,
    raw: object,
    row: int,
    unit: Callable[[str, str], str],
    sync: bool,
    place: str,
) -> str | None:
    """Parse one input cell into `parsed[field]`; the refusal's message, or None."""
    value, blank, problem = parse_field(field, raw, row, unit(mr.measure_key, field), place)
    if problem:
        return problem
    parsed[field] = (value, blank)
    changed = not same(value, mr.base(field)) or (blank and field == F.STATUS and mr.status)
    if changed and (sync or field not in mr.editable):
        why = (
            "事務局の一覧表のセルが変更されています。受け取ったままのブックを取り込んでください"
            if sync
            else "このセルは入力できません（担当外・廃止の取組、または数値目標のない取組）"
        )
        return f"{place}: {why}"
    return None


def _check_indicator_rows(
    wb: ReturnedWorkbook,
    found: dict[tuple[str, int], dict[str, tuple[object, bool]]],
    years: tuple[int, ...] | None,
    unit: Callable[[str, str], str],
    sync: bool,
) -> list[Refusal]:
    """The 指標 sheet's rows against the manifest, their input cells parsed into `found`."""
    refusals: list[Refusal] = []
    index = {
        (key, short_label(mr.fy)): (mr, i, digest)
        for mr in wb.manifest.rows
        for i, (key, digest) in enumerate(mr.indicators)
    }
    seen: dict[tuple[str, str], int] = {}
    for er in wb.indicator_rows:
        problem = _indicator_row(er, index, seen, found, years, unit, sync)
        refusals += [Refusal(p, er.row) for p in problem]
    for key in index:
        if key not in seen:
            refusals.append(Refusal(f"{INDICATOR_SHEET}: {key[0]} {key[1]} の行が削除されています"))
    return refusals


def _indicator_row(
    er: EntryRow,
    index: dict[tuple[str, str], tuple[ManifestRow, int, str]],
    seen: dict[tuple[str, str], int],
    found: dict[tuple[str, int], dict[str, tuple[object, bool]]],
    years: tuple[int, ...] | None,
    unit: Callable[[str, str], str],
    sync: bool,
) -> list[str]:
    """The refusals of one 指標 row (its input cells parsed into `found`)."""
    head = f"{INDICATOR_SHEET} {er.row}行目"
    out = [f"{head}: 表の右側（K列以降）に入力があります"] if er.outside else []
    key = IS.row_key(er.values)
    hit = index.get(key)
    if hit is None:
        return out + [
            f"{head}: 番号・年度（{key[0]} {key[1]}）が配布時の行と一致しません"
            "（行の追加、または番号・年度の変更）"
        ]
    mr, i, digest = hit
    if years is not None and mr.fy not in years:
        return out + [f"{head}: 年度（{key[1]}）は計画の期間にありません"]
    if key in seen:
        return out + [f"{head}: {key[0]} {key[1]} の行が重複しています（{seen[key]}行目と同じ）"]
    seen[key] = er.row
    inputs = IS.input_columns(mr, i)
    if IS.row_digest(er.values, set(inputs)) != digest:
        return out + [
            f"{head}: 変更できないセル（番号・指標名・単位・基準値・基準年度・目標値・判定、"
            "入力欄でない実績値・比較する数値）が変更されています"
        ]
    parsed = found.setdefault((mr.measure_key, mr.fy), {})
    for col, field in inputs.items():
        problem = _take(
            parsed, mr, field, er.values[col], er.row, unit, sync, IS.where(er.row, col)
        )
        if problem:
            out.append(problem)
    return out
