"""Helpers for the workbook tests: fill a workbook as a department would, with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl

COLS = {
    "result": "F",
    "status": "G",
    "actual": "I",
    "plan": "E",
    "name": "B",
    "target": "H",
    "number": "A",
    "year": "D",
}


def _rows_by(path: Path, sheet: str, year_col: int) -> dict[tuple[str, str], int]:
    """(the row's first cell, its 年度 'R5') -> its row number in `sheet`."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            (r[0], r[year_col]): i
            for i, r in enumerate(wb[sheet].iter_rows(min_row=2, values_only=True), start=2)
            if r[0]
        }
    finally:
        wb.close()


def entry_rows(path: Path) -> dict[tuple[str, str], int]:
    """(取組No. label, 'R5') -> row of the 入力 sheet."""
    return _rows_by(path, "入力", 3)


def fill(path: Path, edits: dict[tuple[str, str, str], object], out: Path | None = None) -> Path:
    """edits: (取組No. label, 'R5', column key) -> value; strings stay strings."""
    rows = entry_rows(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["入力"]
    for (label, year, col), value in edits.items():
        cell = ws[f"{COLS[col]}{rows[(label, year)]}"]
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
    out = out or path
    wb.save(out)
    wb.close()
    return out


def put_formula(path: Path, ref: str, formula: str) -> Path:
    wb = openpyxl.load_workbook(path)
    wb["入力"][ref] = formula  # openpyxl writes a str starting with '=' as a formula
    wb.save(path)
    return path


def rewrite_part(path: Path, part: str, edit) -> Path:
    """Rewrite one zip entry of a workbook: edit(bytes) -> bytes (what a foreign tool might write)."""
    import zipfile

    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            zout.writestr(info.filename, edit(data) if info.filename == part else data)
    return path


def synced_pcs(tmp_path: Path, department: str = "人事課") -> tuple[Path, Path]:
    """A secretariat database and a department PC that imported its master workbook once."""
    from kanazawa_desktop.services import exchange as X
    from kanazawa_desktop.services.desk import Desk

    master_db, dept_db = tmp_path / "master.sqlite3", tmp_path / "dept.sqlite3"
    with Desk.open(master_db) as sec:
        sec.set_role(secretariat=True)
        first = X.export_workbook(sec, tmp_path / "m1.xlsx").path
    with Desk.open(dept_db) as dept:
        dept.set_role(department=department)
        X.apply_import(dept, X.preview_import(dept, [first])[0])
    return master_db, dept_db


def read_manifest(path: Path):
    from kanazawa_desktop.workbook import manifest as M

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [list(r) for r in wb["_manifest"].iter_rows(values_only=True)]
    finally:
        wb.close()
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return M.parse([[v for v in r if v is not None] for r in rows])


def forge(path: Path, edit, entry_edit=None) -> Path:
    """Rewrite a workbook's manifest with `edit(Manifest) -> Manifest` and recompute its
    checksum — what anyone holding this source could do; `entry_edit(ws)` may change 入力 too."""
    from dataclasses import replace

    new = replace(edit(read_manifest(path)), verified="")
    wb = openpyxl.load_workbook(path)
    ws = wb["_manifest"]
    ws.delete_rows(1, ws.max_row)
    for r, values in enumerate(new.sheet_rows(), start=1):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value).data_type = "s"
    if entry_edit is not None:
        entry_edit(wb["入力"])
    wb.save(path)
    wb.close()
    return path


def _forged(values: list[list[object]], rows_edit, meta_edit, defs_edit) -> list[list[str]]:
    """The manifest sheet's rows after the edits, with the checksum recomputed."""
    import json

    from kanazawa_desktop.workbook import manifest as M

    man = M.parse(values)
    raw_rows = json.loads(man.rows_json())
    meta = man.meta()
    defs = json.loads(man.definitions_json())
    for edit, obj in ((rows_edit, raw_rows), (meta_edit, meta), (defs_edit, defs)):
        if edit:
            edit(obj)
    text = json.dumps(raw_rows, ensure_ascii=False, separators=(",", ":"))
    defs_text = json.dumps(defs, ensure_ascii=False, separators=(",", ":"))
    digest = M._digest(man.version, meta, text, defs_text)
    out = [
        [M.MANIFEST_MAGIC, str(man.version)],
        *([k, v] for k, v in meta.items()),
        ["checksum", digest],
        [M.ROWS_MARK, *M.row_columns(man.version)],
    ]
    out += M._chunks(text)
    if man.version >= 2:
        out.append(list(M.DEFS_MARK))
        out += M._chunks(defs_text)
    return out


def forge_manifest(path: Path, rows_edit=None, meta_edit=None, defs_edit=None) -> Path:
    """Edit a workbook's manifest and recompute its checksum, as someone with the source could.

    rows_edit(list of row cell lists), meta_edit(dict), defs_edit(dict) change the JSON in
    place; every value is written back as text, exactly as the writer lays the sheet out.
    """
    from kanazawa_desktop.workbook.layout import MANIFEST_SHEET

    wb = openpyxl.load_workbook(path)
    ws = wb[MANIFEST_SHEET]
    out = _forged(
        [list(row) for row in ws.iter_rows(values_only=True)], rows_edit, meta_edit, defs_edit
    )
    ws.delete_rows(1, ws.max_row)
    for r, row in enumerate(out, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            cell.value = value
            cell.data_type = "s"
    wb.save(path)
    wb.close()
    return path


def set_saved_at(path: Path, when: str) -> Path:
    """Set docProps/core.xml's dcterms:modified, as Excel or LibreOffice does on saving."""
    import re

    def edit(xml: bytes) -> bytes:
        return re.sub(
            rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
            lambda m: m.group(1) + when.encode() + m.group(2),
            xml,
        )

    return rewrite_part(path, "docProps/core.xml", edit)


def forge_manifest_xml(
    path: Path, part: str, rows_edit=None, meta_edit=None, defs_edit=None
) -> Path:
    """forge_manifest on the sheet XML as our writer lays it out (inline strings), without
    openpyxl: fast enough for a large master workbook."""
    import re
    from xml.sax.saxutils import escape

    from kanazawa_desktop.workbook.layout import column_letter

    def unescape(t: str) -> str:
        return (
            t.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
        )

    def edit(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        body = re.search(r"<sheetData>(.*)</sheetData>", text, re.S).group(1)
        values = []
        for row in re.findall(r"<row\b[^>]*>(.*?)</row>", body, re.S):
            cells = {}
            for letters, inner in re.findall(
                r'<c r="([A-Z]+)\d+"[^>]*?(?:/>|>(.*?)</c>)', row, re.S
            ):
                t = re.search(r"<t[^>]*>(.*?)</t>", inner or "", re.S)
                cells[ord(letters) - 65] = unescape(t.group(1)) if t else ""
            values.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)] + [""])
        out = _forged(values, rows_edit, meta_edit, defs_edit)
        rows = "".join(
            f'<row r="{r}">'
            + "".join(
                f'<c r="{column_letter(c)}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                for c, v in enumerate(row)
            )
            + "</row>"
            for r, row in enumerate(out, start=1)
        )
        width = max(len(r) for r in out)
        text = text.replace(body, rows, 1)
        text = re.sub(
            r'<dimension ref="[^"]*"',
            f'<dimension ref="A1:{column_letter(width - 1)}{len(out)}"',
            text,
        )
        return text.encode("utf-8")

    return rewrite_part(path, part, edit)


INDICATOR_COLS = {"actual": "H", "figure": "J", "name": "B", "target": "G", "verdict": "I"}


def indicator_rows(path: Path) -> dict[tuple[str, str], int]:
    """(番号, 'R5') -> row of the 指標 sheet."""
    return _rows_by(path, "指標", 5)


def fill_indicators(
    path: Path, edits: dict[tuple[str, str, str], object], number_format: str | None = None
) -> Path:
    """edits: (番号, 'R5', 'actual' | 'figure' | ...) -> value in the 指標 sheet; strings stay
    strings; `number_format` is set on every edited cell when given."""
    rows = indicator_rows(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["指標"]
    for (key, year, col), value in edits.items():
        cell = ws[f"{INDICATOR_COLS[col]}{rows[(key, year)]}"]
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
        if number_format is not None:
            cell.number_format = number_format
    wb.save(path)
    wb.close()
    return path


def libreoffice_resave(path, tmp_path):
    """Open and save the workbook with LibreOffice, headless: a second, real client."""
    import subprocess

    lo_out = tmp_path / "lo"
    lo_out.mkdir(exist_ok=True)
    profile = (tmp_path / "profile").as_uri()
    r = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(lo_out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    resaved = lo_out / path.name
    assert resaved.exists(), r.stdout + r.stderr
    assert resaved.read_bytes() != path.read_bytes()
    return resaved
