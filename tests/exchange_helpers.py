"""Helpers for the workbook tests: fill a workbook as a department would, with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl

COLS = {"result": "F", "status": "G", "actual": "I", "plan": "E", "name": "B", "target": "H",
        "number": "A", "year": "D"}


def entry_rows(path: Path) -> dict[tuple[str, str], int]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb["入力"]
        return {(r[0], r[3]): i for i, r in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2)
                if r[0]}
    finally:
        wb.close()


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


def forge_manifest(path: Path, edit, entry_edit=None) -> Path:
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


def set_saved_at(path: Path, when: str) -> Path:
    """Set docProps/core.xml's dcterms:modified, as Excel or LibreOffice does on saving."""
    import re

    def edit(xml: bytes) -> bytes:
        return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                      lambda m: m.group(1) + when.encode() + m.group(2), xml)

    return rewrite_part(path, "docProps/core.xml", edit)
