"""A table of department assignments made by the secretariat in Excel: a header row with
`番号` and `担当課` (anywhere in the first 10 rows of the first sheet, other columns ignored),
then one row per item: its number as the app shows it (No.12, 12, or the item's key such as
1-1-①) and its departments (several separated by 、 , ・ or a line break; empty = none).

Guarded like a returned workbook before openpyxl sees it (bounded size, zip entry count and
inflation); openpyxl reads through defusedxml, in read-only mode, at most MAX_ROWS rows and 26
columns, so a cell at XFD1048576 costs nothing.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from ..domain.errors import BadWorkbook
from .safety import MAX_ENTRIES, MAX_ENTRY_BYTES, MAX_RATIO, RATIO_FLOOR, ZIP_ERRORS, read_bounded

MAX_ROWS = 100_000
HEADER_ROWS = 10
_SPLIT = re.compile(r"[、,，・\n]+")


@dataclass(frozen=True)
class Assignment:
    row: int  # the sheet's row number, for the message that names it
    number: str
    departments: tuple[str, ...]


def _refuse(path: Path, message: str, kind: str) -> BadWorkbook:
    return BadWorkbook(f"{path.name}: {message}", kind, file=str(path))


def _text(v: object) -> str:
    """A cell as text, spaces within a line folded; line breaks kept (they separate names)."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    lines = ("" if v is None else str(v)).splitlines()
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


def read_assignments(path: Path) -> list[Assignment]:
    path = Path(path)
    data = read_bounded(path)
    if not data.startswith(b"PK"):
        raise _refuse(path, "Excelのブック（.xlsx）ではありません", "not_xlsx")
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES or any(
                i.file_size > MAX_ENTRY_BYTES
                or (i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1))
                for i in infos
            ):
                raise _refuse(path, "展開後のサイズが大きすぎます（圧縮爆弾の疑い）", "zip_bomb")
        wb = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except BadWorkbook:
        raise
    except (*ZIP_ERRORS, KeyError, ValueError, OSError) as exc:
        raise _refuse(
            path, "ブックを読み取れません（壊れているか、形式が違います）", "damaged"
        ) from exc
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(max_col=26, max_row=MAX_ROWS, values_only=True)
        header_at, cols = 0, {}
        for n, row in enumerate(rows, start=1):
            cells = [_text(v) for v in row]
            if "番号" in cells and "担当課" in cells:
                header_at, cols = n, {"番号": cells.index("番号"), "担当課": cells.index("担当課")}
                break
            if n >= HEADER_ROWS:
                break
        if not header_at:
            raise _refuse(
                path,
                f"シート「{ws.title}」の先頭{HEADER_ROWS}行に「番号」と「担当課」の見出しがありません",
                "template",
            )
        out = []
        for n, row in enumerate(rows, start=header_at + 1):
            cells = [_text(v) for v in row]
            number = cells[cols["番号"]] if cols["番号"] < len(cells) else ""
            depts = cells[cols["担当課"]] if cols["担当課"] < len(cells) else ""
            if not number and not depts:
                continue
            if not number:
                raise _refuse(path, f"シート「{ws.title}」{n}行目: 番号がありません", "value")
            names = tuple(d.strip() for d in _SPLIT.split(depts) if d.strip())
            out.append(Assignment(n, number, names))
        return out
    finally:
        wb.close()
