"""Byte-level scans of a part's XML, run before any parser reads it; bounded time, no parser.

* `DeclarationScan` – fed a part chunk by chunk as it is inflated: refuses a DTD
  (`<!DOCTYPE`, `<!ENTITY`) anywhere in the part, not only in its first bytes (a prolog may
  hold comments and processing instructions of any length before one; a match split over
  two chunks is still found), and any encoding other than UTF-8 (a UTF-16 part would hide
  the declaration from a byte scan). Office files never have either. A false alarm (the
  words inside a comment or CDATA) only refuses a file Office would not write.
* `sheet_extent(xml)` – the last row and column a value reader would lay out for a
  worksheet: the largest of the `<dimension ref>`, every cell's `r`, every row's `r`, and
  the positions of cells and rows without `r` (a reader counts them). python-calamine
  allocates the whole rectangle from A1 to there, so this bounds its memory before it runs.

Both raise `ScanError(reason)`; safety.py words it for the person.
"""

from __future__ import annotations

import re


class ScanError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_OVERLAP = len(b"<!DOCTYPE") - 1


class DeclarationScan:
    """Feed a part's bytes in order; raises ScanError("dtd" | "encoding")."""

    def __init__(self) -> None:
        self._tail = b""
        self._head: bytes | None = b""

    def feed(self, chunk: bytes) -> None:
        if self._head is not None:
            self._head += chunk[:512]
            if len(self._head) >= 512 or not chunk:
                self._check_head(self._head)
                self._head = None
        window = self._tail + chunk
        if _DTD.search(window):
            raise ScanError("dtd")
        self._tail = window[-_OVERLAP:]

    def close(self) -> None:
        if self._head is not None:
            self._check_head(self._head)
            self._head = None

    @staticmethod
    def _check_head(head: bytes) -> None:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
            raise ScanError("encoding")
        head = head.removeprefix(b"\xef\xbb\xbf")
        m = _DECL_ENCODING.match(head)
        if m and m.group(1).strip().lower() not in (b"utf-8", b"utf8"):
            raise ScanError("encoding")


def scan_declarations(data: bytes) -> None:
    scan = DeclarationScan()
    scan.feed(data)
    scan.close()


_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(c|row|dimension)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF_ATTR = re.compile(rb"""(?:^|\s)ref\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REF = re.compile(rb"\s*([A-Za-z]{1,3})([0-9]{1,7})\s*")
_ROW_REF = re.compile(rb"\s*([0-9]{1,7})\s*")


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _cell(ref: bytes) -> tuple[int, int]:
    """(row, column), both 1-based; ScanError for what a reader could misread."""
    m = _CELL_REF.fullmatch(ref)
    if not m or int(m.group(2)) == 0:
        raise ScanError(f"cell reference {ref[:20]!r}")
    return int(m.group(2)), _column(m.group(1))


def _values(pattern: re.Pattern[bytes], attrs: bytes) -> list[bytes]:
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in pattern.finditer(attrs)]


def sheet_extent(xml: bytes) -> tuple[int, int]:
    """(last row, last column), 1-based, that a reader would lay out for this sheet."""
    max_row = max_col = 0
    row = 0  # the current row's number
    col = 0  # the last cell's column in the current row
    for m in _TAG.finditer(xml):
        tag, attrs = m.group(1), m.group(2)
        if tag == b"c":
            refs = _values(_R_ATTR, attrs)
            if refs:
                for ref in refs:
                    r, c = _cell(ref)
                    max_row, max_col = max(max_row, r), max(max_col, c)
                    col = c
            else:
                col += 1
                max_row, max_col = max(max_row, max(row, 1)), max(max_col, col)
        elif tag == b"row":
            refs = _values(_R_ATTR, attrs)
            if refs:
                numbers = [m for m in map(_ROW_REF.fullmatch, refs) if m is not None]
                if len(numbers) != len(refs):
                    raise ScanError(f"row reference {refs[0][:20]!r}")
                row = max(int(n.group(1)) for n in numbers)
            else:
                row += 1
            col = 0
            max_row = max(max_row, row)
        else:
            for ref in _values(_REF_ATTR, attrs):
                for part in ref.split(b":"):
                    r, c = _cell(part)
                    max_row, max_col = max(max_row, r), max(max_col, c)
    return max_row, max_col


_ATTRS = rb"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
# Both start with a literal, which the regular-expression engine scans for at C speed.
_DIMENSION = re.compile(rb"dimension(?=[\s/>])(" + _ATTRS + rb")>")
# An explicit reference past column Z or row 99,999 (MAX_COLUMNS, MAX_ROWS below), in any
# attribute named r anywhere in the part: cells and rows alike. (A match in cell text only
# refuses a file nobody writes.) python-calamine reads the value raw, so no escapes to undo.
_FAR_REF = re.compile(rb"""r\s*=\s*["']\s*(?:[A-Za-z]{2}|[A-Za-z]?0*[1-9][0-9]{5})""")
_NAME_CHAR = re.compile(rb"[\w:.-]")
_CELL_WITHOUT_R = re.compile(
    rb"<" + _PREFIX + rb"(?:c|row)(?=[\s/>])(?!" + _ATTRS[:-1] + rb"*?\sr\s*=)"
)
_CELL_TAG = re.compile(rb"<" + _PREFIX + rb"c(?=[\s/>])")
MAX_ROWS = 99_999
MAX_COLUMNS = 26
MAX_POSITIONAL_CELLS = 200_000


_UNREFERENCED_OFFICE = re.compile(rb'<(?:c|row)(?=[\s/>])(?! r=")')


def _every_cell_referenced(xml: bytes) -> bool:
    """Fast path for what Office writes: every `<c`/`<row` tag opens with ` r="`.

    One scan that finds no such tag without it; a prefixed tag (`<x:c`) or any other
    spelling sends the sheet to the full regular expression instead.
    """
    return b":c" not in xml and b":row" not in xml and not _UNREFERENCED_OFFICE.search(xml)


def check_extent(xml: bytes) -> None:
    """ScanError("extent") when a reader would lay this sheet out past MAX_ROWS x MAX_COLUMNS.

    Fast where Office files are concerned (a few C-speed regular-expression passes): every
    explicit reference is checked at once. Cells or rows without `r` (which a reader places
    by counting) need the exact walk, `sheet_extent`; it is allowed only for sheets of at
    most MAX_POSITIONAL_CELLS cells (Excel, LibreOffice and openpyxl always write `r`).
    """
    for m in _DIMENSION.finditer(xml):
        if xml[m.start() - 1 : m.start()] not in (b"<", b":"):
            continue  # only the element, not the word in text
        for ref in _values(_REF_ATTR, m.group(1)):
            for part in ref.split(b":"):
                r, c = _cell(part)
                if r > MAX_ROWS or c > MAX_COLUMNS:
                    raise ScanError("extent")
    for m in _FAR_REF.finditer(xml):
        if m.start() == 0 or not _NAME_CHAR.match(xml, m.start() - 1):
            raise ScanError("extent")  # an attribute named exactly r (not sqr=, x:r=)
    if _every_cell_referenced(xml) or not _CELL_WITHOUT_R.search(xml):
        return
    for n, _ in enumerate(_CELL_TAG.finditer(xml)):
        if n >= MAX_POSITIONAL_CELLS:
            raise ScanError("extent")
    rows, cols = sheet_extent(xml)
    if rows > MAX_ROWS or cols > MAX_COLUMNS:
        raise ScanError("extent")
