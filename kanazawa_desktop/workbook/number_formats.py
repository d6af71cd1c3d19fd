"""Which cells Excel shows as a percentage: such a cell holds the fraction (98.45 % is 0.9845).

A department that types 98.45% into an actual cell, or pastes from a sheet formatted as
percent, hands over 0.9845; the reader turns it back into the percent value people see.
Only xl/styles.xml (already inflated within the safety caps) and the 入力 sheet are read.
"""

from __future__ import annotations

import re

import defusedxml
import defusedxml.ElementTree as ET

_BUILTIN_PERCENT = {9, 10}  # "0%", "0.00%"
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # literal text, escapes, [colour]/[condition]


def is_percent_format(code: str) -> bool:
    """'0.00%' and '#,##0.0%' are percentages; '0.0"%"' and '0.0\\%' only show a % sign."""
    return "%" in _QUOTED.sub("", code)


def percent_styles(styles_xml: bytes) -> frozenset[int]:
    """Indexes into cellXfs (a cell's s="…") whose number format is a percentage."""
    if not styles_xml:
        return frozenset()
    try:
        root = ET.fromstring(styles_xml)
    except (ET.ParseError, defusedxml.DefusedXmlException, ValueError):
        return frozenset()  # the value reader copes with it; only the percent hint is lost
    custom: dict[int, str] = {}
    xfs: list[int] = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "numFmt":
            try:
                custom[int(el.get("numFmtId", ""))] = el.get("formatCode", "")
            except ValueError:
                continue
        elif tag == "cellXfs":
            for xf in el:
                try:
                    xfs.append(int(xf.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)
    return frozenset(
        i
        for i, fmt in enumerate(xfs)
        if fmt in _BUILTIN_PERCENT or (fmt in custom and is_percent_format(custom[fmt]))
    )


_CELL_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])([^>]*)>")
_ATTR = re.compile(rb"""(?<![\w:.-])(r|s)\s*=\s*["']\s*([^"']*?)\s*["']""")
_REF = re.compile(rb"([A-Za-z]{1,3})0*([0-9]{1,7})")


def percent_rows(sheet_xml: bytes, column: str, styles: frozenset[int]) -> frozenset[int]:
    """Rows whose cell in `column` (letters, e.g. 'I') carries a percentage style."""
    if not styles or not sheet_xml:
        return frozenset()
    wanted = column.upper().encode()
    rows = set()
    for m in _CELL_OPEN.finditer(sheet_xml):
        attrs = dict(_ATTR.findall(m.group(1)))
        ref, style = attrs.get(b"r"), attrs.get(b"s")
        if ref is None or style is None or not style.isdigit() or int(style) not in styles:
            continue
        rm = _REF.fullmatch(ref)
        if rm and rm.group(1).upper() == wanted:
            rows.add(int(rm.group(2)))
    return frozenset(rows)
