"""Guards run on a returned file before any parser sees it; bounded time and memory.

`inspect(path)` reads the file once (at most MAX_FILE_BYTES) and returns its bytes and the
XML of the `入力` sheet, or raises BadWorkbook with one Japanese sentence for:

* an empty file; an encrypted Office file (OLE header D0 CF 11 E0 with an
  `EncryptedPackage` stream: a password-protected workbook); an old .xls (OLE without it);
  a CSV or text file renamed; anything else that is not a zip;
* a truncated, damaged or odd zip (bad central directory, CRC mismatch, an unsupported
  version or method, a seek before the start, a name that is not UTF-8): every error the
  zip module raises is this one refusal (ZIP_ERRORS);
* an ambiguous package (package.py): members whose names differ only by case, a sheet
  target that resolves to no member or could be read as another, a sheet of ours that is
  not a worksheet part. Members are found ignoring case, as python-calamine finds them, so
  the part checked is the part read;
* a zip bomb: too many entries, an entry or the whole archive inflating past its limit, or
  an entry compressed more than MAX_RATIO times. Declared sizes of every entry are checked
  first, then every part a parser will read is inflated in chunks with a hard cap, because
  headers can lie;
* an XML bomb: any part a parser reads declaring a DTD (`<!DOCTYPE` / `<!ENTITY`)
  anywhere in it, also after a long comment or split over two chunks; or a part not in
  UTF-8 (xml_scan.DeclarationScan). Office files never have either;
* a used range past column Z or row 99,999 in `入力`, `指標` or `_manifest` (xml_scan.check_extent):
  python-calamine lays out the whole rectangle from A1 to the farthest cell, so one cell
  at XFD1048576 would make it allocate 549 GB and abort the process. 入力 has 9 columns
  (the rest up to Z is slack, so text typed right of the table is still refused per row,
  naming the cell); 99,999 rows hold 20,000 measures x 4 years plus headers;
  (openpyxl is guarded by defusedxml as well; python-calamine is fed only checked files.)

`formula_cells(sheet_xml)` lists the cells of a sheet that hold a formula (`<f>`), which a
value reader cannot see.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from . import package
from .errors import BadWorkbook
from .layout import ENTRY_SHEET, EXCEL_CELL_LIMIT, INDICATOR_SHEET, MANIFEST_SHEET, column_letter
from .xml_scan import (
    MAX_COLUMNS,
    MAX_ROWS,
    DeclarationScan,
    ScanError,
    check_extent,
    scan_declarations,
)

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 3000
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # small entries may compress well (e.g. empty styles)
CHUNK = 1024 * 1024

PARSED_PARTS = frozenset(
    {
        "[Content_Types].xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/sharedStrings.xml",
        "xl/styles.xml",
    }
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Inspected:
    data: bytes
    entry_xml: bytes | None  # the 入力 sheet's XML, None when the workbook has no such sheet
    sheet_names: tuple[str, ...]
    strings_xml: bytes = b""  # xl/sharedStrings.xml (found ignoring case), b"" when absent
    styles_xml: bytes = b""  # xl/styles.xml, for the cells shown as percentages
    indicator_xml: bytes | None = None  # the 指標 sheet's XML (format 5), None when absent


def _refuse(path: Path, message: str, kind: str) -> BadWorkbook:
    return BadWorkbook(f"{path.name}: {message}", kind, file=str(path))


def read_bounded(path: Path) -> bytes:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _refuse(
                path,
                f"ファイルが大きすぎます（{size // 1024 // 1024} MB。上限は "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB）",
                "too_large",
            )
        with open(path, "rb") as fh:
            return fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError as exc:
        raise _refuse(path, "ファイルが見つかりません", "unreadable") from exc
    except IsADirectoryError as exc:
        raise _refuse(
            path, "フォルダーです。ブックのファイルを指定してください", "unreadable"
        ) from exc
    except PermissionError as exc:
        raise _refuse(path, "ファイルを読み取る権限がありません", "unreadable") from exc
    except OSError as exc:
        raise _refuse(
            path, f"ファイルを読み取れません（{exc.strerror or exc}）", "unreadable"
        ) from exc


def _not_zip(path: Path, data: bytes) -> BadWorkbook:
    if not data:
        return _refuse(path, "ファイルが空です", "empty")
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return _refuse(
                path,
                "パスワード付きのブックは取り込めません。パスワードを解除して保存し直してください",
                "encrypted",
            )
        return _refuse(
            path,
            "Excel 97-2003 形式（.xls）のファイルです。配布した .xlsx 形式で保存してください",
            "xls",
        )
    head = data[:4096]
    if b"\x00" not in head:
        for enc in ("utf-8", "cp932"):
            try:
                head.decode(enc)
            except UnicodeDecodeError:
                continue
            return _refuse(
                path,
                "CSV またはテキストのファイルです。配布した Excel ブック（.xlsx）を返送してください",
                "text",
            )
    return _refuse(path, "Excel ブック（.xlsx）ではありません", "not_workbook")


# What zipfile raises on damaged or odd archives: a bad header or CRC, a truncated member,
# an unsupported compression method or "zip file version" (NotImplementedError), a seek
# before the start (ValueError "negative seek"), a member name flagged UTF-8 that is not
# (UnicodeDecodeError, a ValueError), a header field it cannot unpack (struct.error).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    ValueError,
    struct.error,
    RuntimeError,
    OverflowError,
    IndexError,
    KeyError,
)
_SHARED_STRINGS = "xl/sharedstrings.xml"
_OUR_SHEETS = (ENTRY_SHEET, INDICATOR_SHEET, MANIFEST_SHEET)  # the sheets a parser reads
_STYLES = "xl/styles.xml"


def _inflate(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, total: list[int], keep: bool
) -> bytes | None:
    """Inflate one entry with hard caps, scanning its XML declarations; its bytes when `keep`."""
    out = []
    size = 0
    scan = DeclarationScan()
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            scan.feed(chunk)
            size += len(chunk)
            total[0] += len(chunk)
            if size > MAX_ENTRY_BYTES or total[0] > MAX_TOTAL_BYTES:
                raise _refuse(path, "展開後のサイズが大きすぎます（圧縮爆弾の疑い）", "zip_bomb")
            if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
                raise _refuse(path, "圧縮率が異常です（圧縮爆弾の疑い）", "zip_bomb")
            if keep:
                out.append(chunk)
    scan.close()
    return b"".join(out) if keep else None


_SCAN_MESSAGES = {
    "dtd": ("ブックに不正な XML 定義（DTD／エンティティ）が含まれています", "xml_bomb"),
    "encoding": (
        "ブックの XML の文字コードが UTF-8 ではありません（ファイルが壊れています）",
        "damaged",
    ),
}


def _index_parts(
    zf: zipfile.ZipFile, path: Path, members: dict[str, str]
) -> tuple[dict[str, str], set[str]]:
    """(sheet name -> member, every member the workbook relates to), as python-calamine reads them."""

    def small(name: str) -> bytes:
        real = members.get(package.member_key(name))
        if real is None:
            return b""
        with zf.open(real) as fh:
            data = fh.read(4 * 1024 * 1024 + 1)
        if len(data) > 4 * 1024 * 1024:
            raise _refuse(path, "ブックの構造が不正です（大きさ）", "xml_bomb")
        scan_declarations(data)
        return data

    workbook_xml, rels_xml = small("xl/workbook.xml"), small("xl/_rels/workbook.xml.rels")
    return package.sheet_parts(workbook_xml, rels_xml, members), package.related_parts(
        rels_xml, members
    )


def inspect(path: Path) -> Inspected:
    path = Path(path)
    data = read_bounded(path)
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(path, "ファイルが大きすぎます", "too_large")
    if not data.startswith(b"PK"):
        raise _not_zip(path, data)
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            return _inspect_zip(path, data, zf)
    except ScanError as exc:
        message, kind = _SCAN_MESSAGES[exc.reason]
        raise _refuse(path, message, kind) from exc
    except package.PackageError as exc:
        raise _refuse(
            path, "ブックの構成が不正です（シートの参照先が壊れているか、あいまいです）", "damaged"
        ) from exc
    except ZIP_ERRORS as exc:
        raise _refuse(
            path, "ファイルが壊れているか、途中までしか保存されていません", "truncated"
        ) from exc


def _inspect_zip(path: Path, data: bytes, zf: zipfile.ZipFile) -> Inspected:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _refuse(path, f"ブック内のファイル数が多すぎます（{len(infos)}）", "zip_bomb")
    declared = 0
    for info in infos:
        declared += info.file_size
        if info.file_size > MAX_ENTRY_BYTES or declared > MAX_TOTAL_BYTES:
            raise _refuse(path, "展開後のサイズが大きすぎます（圧縮爆弾の疑い）", "zip_bomb")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse(path, "圧縮率が異常です（圧縮爆弾の疑い）", "zip_bomb")
        if info.flag_bits & 0x1:
            raise _refuse(path, "暗号化されたファイルは取り込めません", "encrypted")
    members = package.member_index(i.filename for i in infos)
    if package.member_key("xl/workbook.xml") not in members:
        raise _refuse(
            path, "Excel ブック（.xlsx）ではありません（ブックの本体がありません）", "not_workbook"
        )
    # The parts a parser will read (the workbook index, shared strings, styles, whatever
    # else the workbook relates to except the other sheets, and the 入力 and manifest
    # sheets) are inflated here first, with hard caps. The other sheets (the 取組管理票) are
    # never parsed: their declared sizes were checked above, which is all they can cost.
    sheets, related = _index_parts(zf, path, members)
    ours = {sheets[n] for n in _OUR_SHEETS if n in sheets}
    if not all(package.worksheet_part(p) for p in ours):
        raise package.PackageError("a sheet of ours is not a worksheet part")
    wanted = {package.member_key(p) for p in ours | (related - set(sheets.values()))}
    wanted |= {package.member_key(p) for p in PARSED_PARTS}
    total = [0]
    kept: dict[str, bytes] = {}
    for info in infos:
        key = package.member_key(info.filename)
        if key not in wanted:
            continue
        body = _inflate(
            zf, info, path, total, keep=info.filename in ours or key in (_SHARED_STRINGS, _STYLES)
        )
        if body is not None:
            kept[key] = body
    for name in _OUR_SHEETS:
        if name in sheets:
            _check_extent(path, name, kept[package.member_key(sheets[name])])

    def xml_of(name: str) -> bytes | None:
        return kept.get(package.member_key(sheets[name])) if name in sheets else None

    entry_xml = xml_of(ENTRY_SHEET)
    return Inspected(
        data=data,
        entry_xml=entry_xml,
        sheet_names=tuple(sheets),
        strings_xml=kept.get(_SHARED_STRINGS, b""),
        styles_xml=kept.get(_STYLES, b""),
        indicator_xml=xml_of(INDICATOR_SHEET),
    )


def check_long_text(path: Path, checked: Inspected) -> None:
    """BadWorkbook when a text node of 入力 or the shared strings is over Excel's cell limit.

    A scan of the raw XML, because a value reader may cut such a text to the limit (some
    python-calamine versions do). The reader calls it only when a value read reaches the
    limit: the scan costs about a second on the largest sheet allowed.
    """
    for part in (checked.strings_xml, checked.entry_xml or b""):
        if _longest_text(part) > EXCEL_CELL_LIMIT:
            raise _refuse(
                Path(path),
                f"Excel の上限（{EXCEL_CELL_LIMIT}文字）を超える文字列が含まれています",
                "too_long",
            )


def _check_extent(path: Path, sheet: str, xml: bytes) -> None:
    try:
        check_extent(xml)
    except ScanError as exc:
        raise _refuse(
            path,
            f"「{sheet}」シートの使用範囲が大きすぎます（{column_letter(MAX_COLUMNS - 1)}列・"
            f"{MAX_ROWS:,}行まで）。表から離れたセルに入力がないか確認してください",
            "too_large",
        ) from exc


_LONG_TEXT = re.compile(rb"<(?:\w+:)?t\b[^>]*>([^<]{%d,})<" % EXCEL_CELL_LIMIT)


_OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def _longest_text(xml: bytes) -> int:
    """Length of the longest text node (as readers see it: XML and OOXML `_xHHHH_` escapes
    read as one character) of at least the cell limit, else 0.

    python-calamine cuts longer strings to 32,767 characters, so they are found here.
    """
    longest = 0
    for m in _LONG_TEXT.finditer(xml):
        longest = max(longest, len(_OOXML_ESCAPE.sub("_", package.unescape(m.group(1)))))
    return longest


_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])([^>]*?)(/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?c>)", re.DOTALL
)
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f(?=[\s/>])")
# the same, split in two patterns that start with a literal: scanned at C speed
_FORMULA_PLAIN = re.compile(rb"<f(?=[\s/>])")
_FORMULA_PREFIXED = re.compile(rb":f(?=[\s/>])")  # may match text too: a prefilter only
# the cell's own r attribute, in either quotes and any case, as python-calamine reads it
# (the last one when repeated; x:r is another attribute)
_REF = re.compile(rb"""(?<![\w:.-])r\s*=\s*["']\s*([A-Za-z]{1,3})0*([0-9]{1,7})\s*["']""")


def formula_cells(sheet_xml: bytes) -> list[tuple[str, int]]:
    """(column letters, row) of every cell holding a formula; cheap when there is none.

    A formula whose cell reference cannot be read is still listed, as ("", 0): a value
    reader would show its cached result, so it must be refused all the same.
    """
    if not (
        _FORMULA_PLAIN.search(sheet_xml)
        or _FORMULA_PREFIXED.search(sheet_xml)
        and _FORMULA.search(sheet_xml)
    ):
        return []
    out = []
    for m in _CELL.finditer(sheet_xml):
        body = m.group(3)
        if body and _FORMULA.search(body):
            refs = _REF.findall(m.group(1))
            letters, row = refs[-1] if refs else (b"", b"0")
            out.append((letters.decode().upper(), int(row)))
    return out or [("", 0)]
