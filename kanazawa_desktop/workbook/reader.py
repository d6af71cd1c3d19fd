"""Read a returned workbook: checked by safety.py first, then values through python-calamine.

`read_returned(path)` gives the manifest (verified against its checksum), the raw values of
every 入力 row and (format 5) every 指標 row, the cells holding formulas, a hash of the cell content (the same
workbook re-saved by Excel or LibreOffice hashes the same: values, never file bytes), and
when the file was last saved.
Whole-file problems raise BadWorkbook with one Japanese sentence; row-level problems are
left to the import service, which reports them per cell.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import python_calamine

from ..domain.quantity import percent_cell
from .errors import BadWorkbook
from .layout import (
    COL_ACTUAL,
    COL_RESULT,
    ENTRY_FIRST_ROW,
    ENTRY_HEADERS,
    ENTRY_SHEET,
    EXCEL_CELL_LIMIT,
    ICOL_ACTUAL,
    ICOL_FIGURE,
    INDICATOR_HEADERS,
    INDICATOR_SHEET,
    MANIFEST_SHEET,
    column_letter,
)
from .manifest import Manifest, ManifestError, parse
from .number_formats import percent_rows, percent_styles
from .properties import saved_at
from .safety import check_long_text, formula_cells, inspect

_MANIFEST_MESSAGES = {
    "missing": (
        "本アプリで書き出したブックではありません（管理情報がありません。別の様式のファイルです）",
        "template",
    ),
    "damaged": ("ブックの管理情報が壊れています。配布したブックを使ってください", "tampered"),
    "version": (
        "ブックの書式のバージョンが異なります。新しく書き出したブックを使ってください",
        "version",
    ),
    "tampered": ("ブックの管理情報が書き出し後に変更されています（改ざんの疑い）", "tampered"),
}


@dataclass(frozen=True)
class EntryRow:
    row: int  # 1-based row of the 入力 (or 指標) sheet
    values: list[object]  # the 9 cells A..I (指標: the 10 cells A..J) as read
    outside: bool = False  # something typed right of the table


@dataclass(frozen=True)
class ReturnedWorkbook:
    path: Path
    manifest: Manifest
    rows: list[EntryRow]
    formulas: list[tuple[str, int]]  # (column letters, row) in 入力
    content_hash: str
    saved_at: str | None = None  # when last saved (docProps/core.xml), UTC ISO; see properties.py
    # format 5: the 指標 sheet's rows and formula cells (empty in an older workbook)
    indicator_rows: list[EntryRow] = field(default_factory=list)
    indicator_formulas: list[tuple[str, int]] = field(default_factory=list)


def _refuse(path: Path, message: str, kind: str) -> BadWorkbook:
    return BadWorkbook(f"{path.name}: {message}", kind, file=str(path))


def read_returned(path: Path) -> ReturnedWorkbook:
    """The one entry point: returns the workbook or raises BadWorkbook, nothing else.

    Every known case has its own sentence; anything else a damaged file makes a parser
    raise (a zip, XML or text decoding error no check foresaw) is still a damaged file,
    not a crash of the import: it is refused as such, with the cause chained for the log.
    """
    path = Path(path)
    try:
        return _read(path)
    except BadWorkbook:
        raise
    except Exception as exc:  # noqa: BLE001 - the final guard described above
        raise _refuse(path, "ファイルが壊れているため読み取れません", "damaged") from exc


def _read(path: Path) -> ReturnedWorkbook:
    checked = inspect(path)
    if ENTRY_SHEET not in checked.sheet_names or MANIFEST_SHEET not in checked.sheet_names:
        raise _refuse(
            path,
            "本アプリで書き出したブックではありません（別の様式です。「入力」シートまたは管理情報がありません）",
            "template",
        )
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(BytesIO(checked.data))
        try:
            manifest_rows = wb.get_sheet_by_name(MANIFEST_SHEET).to_python(skip_empty_area=False)
            entry = wb.get_sheet_by_name(ENTRY_SHEET).to_python(skip_empty_area=False)
            indicators = (
                wb.get_sheet_by_name(INDICATOR_SHEET).to_python(skip_empty_area=False)
                if INDICATOR_SHEET in checked.sheet_names
                else None
            )
        finally:
            wb.close()
    except python_calamine.PasswordError as exc:
        raise _refuse(path, "パスワード付きのブックは取り込めません", "encrypted") from exc
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise _refuse(path, "ファイルが壊れているため読み取れません", "truncated") from exc
    # a text cut to the limit by the reader would pass for a valid one; only 実施結果 can be
    # taken as it is (a cut locked text fails its digest, a long status or number is refused).
    # A 実施結果 read longer than the limit was read whole: the import makes it that cell's
    # open item. One read exactly at the limit may have been cut: the XML tells.
    if any(
        len(row) > COL_RESULT
        and type(row[COL_RESULT]) is str
        and len(row[COL_RESULT]) == EXCEL_CELL_LIMIT
        for row in entry
    ):
        check_long_text(path, checked)
    try:
        manifest = parse(manifest_rows)
    except ManifestError as exc:
        message, kind = _MANIFEST_MESSAGES[exc.kind]
        raise _refuse(path, message, kind) from exc
    if not entry or [str(v).strip() for v in entry[0][: len(ENTRY_HEADERS)]] != list(ENTRY_HEADERS):
        raise _refuse(
            path,
            "「入力」シートの見出しが変更されています（列の追加・削除・並べ替えはできません）",
            "template",
        )
    styles = percent_styles(checked.styles_xml)
    rows = _rows(entry, len(ENTRY_HEADERS), checked.entry_xml, styles, (COL_ACTUAL,))
    formulas = formula_cells(checked.entry_xml or b"")
    indicator_rows: list[EntryRow] = []
    indicator_formulas: list[tuple[str, int]] = []
    if manifest.version >= 5:
        if indicators is None:
            raise _refuse(
                path,
                "「指標」シートがありません（シートの削除・名前の変更はできません）",
                "template",
            )
        if not indicators or [
            str(v).strip() for v in indicators[0][: len(INDICATOR_HEADERS)]
        ] != list(INDICATOR_HEADERS):
            raise _refuse(
                path,
                "「指標」シートの見出しが変更されています（列の追加・削除・並べ替えはできません）",
                "template",
            )
        indicator_rows = _rows(
            indicators,
            len(INDICATOR_HEADERS),
            checked.indicator_xml,
            styles,
            (ICOL_ACTUAL, ICOL_FIGURE),
        )
        indicator_formulas = formula_cells(checked.indicator_xml or b"")
    hashed: list[object] = [manifest.checksum(), [[r.row, r.values] for r in rows]]
    if manifest.version >= 5:
        hashed.append([[r.row, r.values] for r in indicator_rows])
    payload = json.dumps(hashed, ensure_ascii=False, separators=(",", ":"), default=str)
    return ReturnedWorkbook(
        path=path,
        manifest=manifest,
        rows=rows,
        formulas=formulas,
        content_hash=hashlib.sha256(payload.encode("utf-8")).hexdigest(),
        saved_at=saved_at(checked.data),
        indicator_rows=indicator_rows,
        indicator_formulas=indicator_formulas,
    )


def _rows(
    sheet: list[list[object]],
    width: int,
    xml: bytes | None,
    styles: frozenset[int],
    number_columns: tuple[int, ...],
) -> list[EntryRow]:
    """The non-empty rows below the header, `width` cells each. A number in one of
    `number_columns` that Excel shows as a percentage is its percent value: an actual typed
    as 98.45% (or into a cell formatted as percent) arrives as 0.9845."""
    percent = {col: percent_rows(xml or b"", column_letter(col), styles) for col in number_columns}
    out = []
    for i, raw in enumerate(sheet[ENTRY_FIRST_ROW - 1 :], start=ENTRY_FIRST_ROW):
        values = list(raw[:width]) + [""] * (width - len(raw))
        for col, rows in percent.items():
            number = values[col]
            if i in rows and isinstance(number, int | float) and not isinstance(number, bool):
                values[col] = percent_cell(float(number))
        extra = [v for v in raw[width:] if v not in ("", None)]
        if any(v not in ("", None) for v in values) or extra:
            out.append(EntryRow(i, values, bool(extra)))
    return out
