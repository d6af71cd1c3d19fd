"""Stream a write-only sheet's rows as XML text, the rest of the sheet through openpyxl.

openpyxl builds a Cell and an element tree per cell and serializes it in pure Python
(about 25 µs a cell without lxml): most of a 20,000-measure export, whose 入力 sheet has
720,000 cells. `stream_rows(ws, rows)` writes the rows' `<sheetData>` content itself, as
openpyxl would (inline strings, `s` style ids from the workbook's own style table, `t`, row
heights, fixed or not), into a temporary file (kept in memory up to SPOOL bytes: a 取組管理票 sheet never
touches the disk), then gives the sheet a WorksheetWriter that lets openpyxl
write everything else (sheet properties, dimension, views, columns, protection, filter,
merges, validations, page setup) and splices the rows in between when the sheet is closed
(at `wb.save`). Call it once per sheet, after the sheet's settings that precede the rows
(widths, frozen panes, page setup); the ones that follow the rows (validations, filter,
merged cells, protection) may still be set until the workbook is saved.

A row is `(height or None, cells)`; a cell is None (nothing) or `(value, style id)` with
value None (an empty styled cell), `str` (always written as text: the caller has checked
it), or a number (written so that it reads back as the same float). Rows are numbered from 1 in order.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import tempfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

from openpyxl.worksheet._writer import WorksheetWriter, create_temporary_file
from openpyxl.worksheet.worksheet import Worksheet

from .layout import column_letter

Row = tuple[float | None, list[tuple[object, int] | None]]

SPOOL = 4 << 20
_EMPTY_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>")


def _number(value: float | int) -> str:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    text = f"{value:.16g}"  # as openpyxl writes numbers
    # ... except that 16 digits lose some floats (0.1 + 0.2 read back as 0.3: a locked 目標値
    # then reads as changed); repr is the shortest text that reads back as the same float
    return text if float(text) == value else repr(float(value))


def _cell_xml(ref: str, value: object, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s} t="n"/>'
    if isinstance(value, str):
        # any outer whitespace is marked preserved, text of only spaces or line breaks too
        # (openpyxl marks only text with content: calamine read the rest as empty)
        space = ' xml:space="preserve"' if value.strip() != value else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    return f'<c r="{ref}"{s} t="n"><v>{_number(value)}</v></c>'  # type: ignore[arg-type]


class _SplicedWriter(WorksheetWriter):  # type: ignore[misc]  # openpyxl ships no types
    """openpyxl's sheet writer with an empty `<sheetData>`, filled from `rows` on close.

    openpyxl writes the sheet's frame into memory; on close the whole sheet goes into one
    temporary file, which openpyxl then puts in the package and removes (one file per sheet
    instead of openpyxl's file rewritten: 200 sheets of a department's part)."""

    out: io.BytesIO | str  # openpyxl's attribute: the frame in memory, then the sheet's file

    def __init__(
        self, ws: Worksheet, rows: tempfile.SpooledTemporaryFile[bytes], dimension: str
    ) -> None:
        super().__init__(ws, out=io.BytesIO())
        self._rows = rows
        self._dimension = dimension

    def write_dimensions(self) -> None:
        from openpyxl.worksheet.dimensions import SheetDimension

        self.xf.send(SheetDimension(self._dimension).to_tree())

    def write_rows(self) -> None:
        xf = self.xf.send(True)
        with xf.element("sheetData"):
            pass
        self.xf.send(None)

    def close(self) -> None:
        super().close()
        if self._rows.closed:
            return
        assert isinstance(self.out, io.BytesIO)
        frame = self.out.getvalue()  # everything but the rows: small
        m = _EMPTY_SHEET_DATA.search(frame)
        if m is None:
            raise RuntimeError("openpyxl wrote no <sheetData> element")
        name: str = create_temporary_file()  # removed by cleanup(), or by openpyxl at exit
        self.out = name
        with open(name, "wb") as out, self._rows:
            out.write(frame[: m.start()] + b"<sheetData>")
            self._rows.seek(0)
            shutil.copyfileobj(self._rows, out, 1 << 20)
            out.write(b"</sheetData>" + frame[m.end() :])

    def cleanup(self) -> None:
        self._rows.close()  # removes its file, if it had to use one
        if isinstance(self.out, str):  # a file only once closed
            super().cleanup()


def stream_rows(ws: Worksheet, rows: Iterable[Row], *, custom_heights: bool = True) -> None:
    """Write `rows` for the write-only sheet `ws` now (see the module's docstring). An
    exception from `rows` leaves nothing behind and the sheet without a writer.

    With `custom_heights` False a row's height is written without customHeight: it is the
    height the row opens with, and the row still grows with its text (Excel fits it again
    when a cell is edited, LibreOffice when it loads the file)."""
    f = tempfile.SpooledTemporaryFile(SPOOL, "w+b", prefix="kanazawa-rows.", suffix=".xml")
    max_row = max_col = 0
    try:
        letters = [column_letter(c) for c in range(64)]
        custom = ' customHeight="1"' if custom_heights else ""
        for r, (height, cells) in enumerate(rows, start=1):
            ht = f' ht="{_number(height)}"{custom}' if height is not None else ""
            parts = [f'<row r="{r}"{ht}>']
            for c, cell in enumerate(cells):
                if cell is not None:
                    parts.append(_cell_xml(f"{letters[c]}{r}", cell[0], cell[1]))
                    max_col = max(max_col, c + 1)
            parts.append("</row>")
            f.write("".join(parts).encode("utf-8"))
            max_row = r
        dimension = f"A1:{column_letter(max(max_col, 1) - 1)}{max(max_row, 1)}"
        ws._writer = _SplicedWriter(ws, f, dimension)  # openpyxl's hook for a sheet's writer
    except BaseException:
        f.close()
        raise
    ws._writer.write_top()
