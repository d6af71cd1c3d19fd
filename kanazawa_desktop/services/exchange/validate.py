"""Row-level checks of a returned workbook's `入力` sheet against its manifest.

`check_rows(wb, sync, years)` returns, for every manifest row found in the sheet, the parsed
value of each input field as `(value, blank)` (blank: the cell was empty), a list of
refusals, each a Japanese sentence naming the cell, and the file's open items. A refusal
refuses the whole file: it is what is wrong with the file (tampering, structure, scope):

* a formula outside the input cells of the rows issued (a value reader sees only its
  cached result), and on a department PC (sync) a formula anywhere;
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
* on a department PC syncing the master workbook (typed by no one), a value breaking its
  field's rule (below).

An open item (`OpenItem`) is what is wrong with one value: in an input cell the department
may edit, 計画達成状況 outside 未確定/達成/未達成, 実績値 or a figure that is not a number,
text longer than Excel's 32,767 characters, or a formula (its cached result is not trusted).
Its field is left out of the row's parsed values (the master keeps its value); the rest of
the file is merged as usual, and the item carries its cell, the text as written and the same
sentence a refusal would have given.

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
from ...workbook.layout import ENTRY_SHEET, FIELD_COLUMNS, INDICATOR_SHEET, column_letter
from ...workbook.manifest import ManifestRow
from ...workbook.reader import EntryRow, ReturnedWorkbook


@dataclass(frozen=True)
class Refusal:
    message: str
    row: int | None = None


FORMULA_PROBLEM = "数式は入力できません。値を入力してください"


@dataclass(frozen=True)
class OpenItem:
    """One input cell's value that breaks its field's rule: left out of the merge, shown for a
    correction, and recorded as an open item (exchange_conflict kind 'invalid') if none comes.

    `message` is the Japanese sentence naming the cell (「入力!I5（実績値）: 「38名」は数値では
    ありません」), `written` the cell's text as the department wrote it (a formula: its cached
    result), `unit` the unit a correction may be typed with, `master` this database's value
    (set by the preview)."""

    measure_key: str
    fy: int
    field: str
    label: str  # 'No.7'
    written: str
    message: str
    row: int
    unit: str = ""
    master: object = None

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.measure_key, self.fy, self.field)


def corrected(item: OpenItem, text: str) -> object:
    """The value a typed correction of `item` stands for, by the rule of a save (InvalidValue
    with the reason otherwise)."""
    return validate(item.field, text, unit=item.unit)


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
) -> tuple[list[ParsedRow], list[Refusal], list[OpenItem]]:
    """The rows of a returned workbook checked against its manifest; `unit(measure_key,
    field)` is the unit a value of that indicator field may be typed with."""
    refusals: list[Refusal] = []
    items: list[OpenItem] = []
    # a formula in an editable input cell of an issued row becomes that cell's open item
    # (taken out of `formulas` as its row is read); any left refuses the file below, as does
    # every one of a sync
    formulas: dict[str, set[tuple[str, int]]] = {ENTRY_SHEET: set(), INDICATOR_SHEET: set()}
    if not sync:
        formulas[ENTRY_SHEET] = set(wb.formulas)
        formulas[INDICATOR_SHEET] = set(wb.indicator_formulas)
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
            cell = Cell(er.row, where(er.row, field), column_letter(FIELD_COLUMNS[field]))
            problem = _take(parsed, mr, field, raw, cell, unit, sync, formulas[ENTRY_SHEET], items)
            if problem:
                refusals.append(Refusal(problem, er.row))
        found[(mr.measure_key, mr.fy)] = parsed
    for key, mr in index.items():
        if key not in seen:
            refusals.append(
                Refusal(f"{ENTRY_SHEET}: {mr.label} {short_label(mr.fy)} の行が削除されています")
            )
    if wb.manifest.version >= 5:
        refusals += _check_indicator_rows(wb, found, years, unit, sync, formulas, items)
    refusals = _formula_refusals(wb, formulas, sync) + refusals  # said first, as before
    left_out = {i.key for i in items}
    for mr in wb.manifest.rows:
        cells_read = found.get((mr.measure_key, mr.fy))
        if cells_read is not None and all(
            f in cells_read or (mr.measure_key, mr.fy, f) in left_out for f in mr.fields()
        ):
            values.append((mr, cells_read))
    return values, refusals, items


def _formula_refusals(
    wb: ReturnedWorkbook, left: dict[str, set[tuple[str, int]]], sync: bool
) -> list[Refusal]:
    """Every formula not taken as an input cell's open item refuses the file."""
    out: list[Refusal] = []
    for sheet, found in ((ENTRY_SHEET, wb.formulas), (INDICATOR_SHEET, wb.indicator_formulas)):
        for letters, row in found:
            if not sync and (letters, row) not in left[sheet]:
                continue  # an open item
            place = f"{sheet}!{letters}{row}" if row else sheet
            out.append(Refusal(f"{place}: {FORMULA_PROBLEM}", row or None))
    return out


@dataclass(frozen=True)
class Cell:
    """Where an input cell is: its row, its name for messages, its column letters."""

    row: int
    place: str
    letters: str


NOT_EDITABLE = "このセルは入力できません（担当外・廃止の取組、または数値目標のない取組）"


def _take(
    parsed: dict[str, tuple[object, bool]],
    mr: ManifestRow,
    field: str,
    raw: object,
    cell: Cell,
    unit: Callable[[str, str], str],
    sync: bool,
    formulas: set[tuple[str, int]],
    items: list[OpenItem],
) -> str | None:
    """Parse one input cell into `parsed[field]`, or into an open item in `items`; the
    refusal's message, or None."""
    typed_in = unit(mr.measure_key, field)
    if (cell.letters, cell.row) in formulas:
        if field not in mr.editable:
            return None  # left in `formulas`: refused with the file
        formulas.discard((cell.letters, cell.row))
        problem: str | None = f"{cell.place}: {FORMULA_PROBLEM}"
    else:
        value, blank, problem = parse_field(field, raw, cell.row, typed_in, cell.place)
    if problem:
        if sync:
            return problem  # a master workbook is typed by no one: refused as a whole
        if field not in mr.editable:
            return f"{cell.place}: {NOT_EDITABLE}"
        items.append(
            OpenItem(
                mr.measure_key, mr.fy, field, mr.label, as_text(raw), problem, cell.row, typed_in
            )
        )
        return None
    parsed[field] = (value, blank)
    changed = not same(value, mr.base(field)) or (blank and field == F.STATUS and mr.status)
    if changed and (sync or field not in mr.editable):
        why = (
            "事務局の一覧表のセルが変更されています。受け取ったままのブックを取り込んでください"
            if sync
            else NOT_EDITABLE
        )
        return f"{cell.place}: {why}"
    return None


def _check_indicator_rows(
    wb: ReturnedWorkbook,
    found: dict[tuple[str, int], dict[str, tuple[object, bool]]],
    years: tuple[int, ...] | None,
    unit: Callable[[str, str], str],
    sync: bool,
    formulas: dict[str, set[tuple[str, int]]],
    items: list[OpenItem],
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
        problem = _indicator_row(
            er, index, seen, found, years, unit, sync, formulas[INDICATOR_SHEET], items
        )
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
    formulas: set[tuple[str, int]],
    items: list[OpenItem],
) -> list[str]:
    """The refusals of one 指標 row (its input cells parsed into `found`, its bad values into
    `items`)."""
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
        cell = Cell(er.row, IS.where(er.row, col), column_letter(col))
        problem = _take(parsed, mr, field, er.values[col], cell, unit, sync, formulas, items)
        if problem:
            out.append(problem)
    return out
