"""A workbook as a plain structure, to compare two writers cell by cell (tests only).

`snapshot(path)` loads an exported workbook with openpyxl and returns, per sheet in order:
every non-empty or styled cell (value, type, font, fill, alignment, border, protection, number
format), row heights, column widths, merged ranges, data validations (each with the exact set
of cells it covers), freeze panes, autofilter, protection, page setup, print titles, state.
The manifest's per-export values (database ids, issue time, register number, checksum) are
masked: they differ between any two exports.
"""

from __future__ import annotations

import openpyxl
from openpyxl.worksheet.cell_range import CellRange

VARYING_MANIFEST_KEYS = {"database_uid", "origin_uid", "issued_at", "checksum", "sequence"}


def _cells(ranges) -> list[str]:
    out = []
    for rng in str(ranges).split():
        cr = CellRange(rng)
        out += [
            f"{c}{r}"
            for r in range(cr.min_row, cr.max_row + 1)
            for c in (
                openpyxl.utils.get_column_letter(i) for i in range(cr.min_col, cr.max_col + 1)
            )
        ]
    return sorted(out)


def _style(cell) -> list:
    f, a, b, p = cell.font, cell.alignment, cell.border, cell.protection
    return [
        bool(f.b),
        f.sz,
        cell.fill.fill_type,
        cell.fill.fgColor.rgb if cell.fill.fill_type else None,
        bool(a.wrap_text),
        a.vertical,
        b.left.style,
        b.left.color.rgb if b.left.color else None,
        b.top.style,
        b.right.style,
        b.bottom.style,
        p.locked,
        cell.number_format,
    ]


def _sheet(ws) -> dict:
    cells = {}
    masked = False
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None and not cell.has_style:
                continue
            value = cell.value
            if ws.title == "_manifest" and cell.column == 2 and masked:
                value = "<masked>"
            cells[cell.coordinate] = [value, cell.data_type, _style(cell)]
            if ws.title == "_manifest" and cell.column == 1:
                masked = value in VARYING_MANIFEST_KEYS
        masked = False
    return {
        "cells": cells,
        "heights": {str(k): d.height for k, d in sorted(ws.row_dimensions.items()) if d.height},
        "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.customWidth},
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "validations": sorted(
            [
                [
                    dv.type,
                    dv.operator,
                    dv.formula1,
                    dv.formula2,
                    bool(dv.allow_blank),
                    bool(dv.showErrorMessage),
                    dv.errorTitle,
                    dv.error,
                    _cells(dv.sqref),
                ]
                for dv in ws.data_validations.dataValidation
            ],
            key=repr,
        ),
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "protection": [
            bool(ws.protection.sheet),
            bool(ws.protection.autoFilter),
            bool(ws.protection.formatColumns),
            bool(ws.protection.formatRows),
            ws.protection.password,
        ],
        "page": [
            ws.page_setup.paperSize,
            ws.page_setup.orientation,
            ws.page_setup.fitToWidth,
            ws.page_setup.fitToHeight,
            bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        ],
        "print_titles": ws.print_title_rows,
        "state": ws.sheet_state,
    }


def snapshot(path) -> dict:
    wb = openpyxl.load_workbook(path)
    try:
        return {
            "sheets": wb.sheetnames,
            "active": wb.index(wb.active),
            "content": {ws.title: _sheet(ws) for ws in wb.worksheets},
        }
    finally:
        wb.close()


def first_difference(a, b, where: str = "") -> str | None:
    """The path of the first place two snapshots differ, with both values (for a readable failure)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                return f"{where}/{k}: only in {'new' if k not in a else 'expected'}"
            d = first_difference(a[k], b[k], f"{where}/{k}")
            if d:
                return d
        return None
    if a != b:
        return f"{where}: expected {a!r}, got {b!r}"
    return None
