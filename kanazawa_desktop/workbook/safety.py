"""Guards run on a returned file before any parser sees it; bounded time and memory.

`inspect(path)` reads the file once (at most MAX_FILE_BYTES) and returns its bytes and the
XML of the `入力` sheet, or raises BadWorkbook with one Japanese sentence for:

* an empty file; an encrypted Office file (OLE header D0 CF 11 E0 with an
  `EncryptedPackage` stream: a password-protected workbook); an old .xls (OLE without it);
  a CSV or text file renamed; anything else that is not a zip;
* a truncated or damaged zip (bad central directory, CRC mismatch);
* a zip bomb: too many entries, an entry or the whole archive inflating past its limit, or
  an entry compressed more than MAX_RATIO times. Declared sizes of every entry are checked
  first, then every part a parser will read is inflated in chunks with a hard cap, because
  headers can lie;
* an XML bomb: any part a parser reads declaring a DTD (`<!DOCTYPE` / `<!ENTITY`); Office
  files never do.
  (openpyxl is guarded by defusedxml as well; python-calamine is fed only checked files.)

`formula_cells(sheet_xml)` lists the cells of a sheet that hold a formula (`<f>`), which a
value reader cannot see.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from .errors import BadWorkbook
from .layout import ENTRY_SHEET, EXCEL_CELL_LIMIT, MANIFEST_SHEET

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 3000
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # small entries may compress well (e.g. empty styles)
CHUNK = 1024 * 1024

PARSED_PARTS = frozenset({"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                          "xl/sharedStrings.xml", "xl/styles.xml"})
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class Inspected:
    data: bytes
    entry_xml: bytes | None  # the 入力 sheet's XML, None when the workbook has no such sheet
    sheet_names: tuple[str, ...]


def _refuse(path: Path, message: str, kind: str) -> BadWorkbook:
    return BadWorkbook(f"{path.name}: {message}", kind, file=str(path))


def read_bounded(path: Path) -> bytes:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _refuse(path, f"ファイルが大きすぎます（{size // 1024 // 1024} MB。上限は "
                                f"{MAX_FILE_BYTES // 1024 // 1024} MB）", "too_large")
        with open(path, "rb") as fh:
            return fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError as exc:
        raise _refuse(path, "ファイルが見つかりません", "unreadable") from exc
    except IsADirectoryError as exc:
        raise _refuse(path, "フォルダーです。ブックのファイルを指定してください", "unreadable") from exc
    except PermissionError as exc:
        raise _refuse(path, "ファイルを読み取る権限がありません", "unreadable") from exc
    except OSError as exc:
        raise _refuse(path, f"ファイルを読み取れません（{exc.strerror or exc}）", "unreadable") from exc


def _not_zip(path: Path, data: bytes) -> BadWorkbook:
    if not data:
        return _refuse(path, "ファイルが空です", "empty")
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return _refuse(path, "パスワード付きのブックは取り込めません。パスワードを解除して保存し直してください",
                           "encrypted")
        return _refuse(path, "Excel 97-2003 形式（.xls）のファイルです。配布した .xlsx 形式で保存してください",
                       "xls")
    head = data[:4096]
    if b"\x00" not in head:
        for enc in ("utf-8", "cp932"):
            try:
                head.decode(enc)
            except UnicodeDecodeError:
                continue
            return _refuse(path, "CSV またはテキストのファイルです。配布した Excel ブック（.xlsx）を返送してください",
                           "text")
    return _refuse(path, "Excel ブック（.xlsx）ではありません", "not_workbook")


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, total: list[int],
             keep: bool) -> bytes | None:
    """Inflate one entry with hard caps; return its bytes when `keep`."""
    out = []
    size = 0
    with zf.open(info) as fh:
        first = True
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            if first and info.filename.endswith((".xml", ".rels", ".vml")) and _DTD.search(chunk[:8192]):
                raise _refuse(path, "ブックに不正な XML 定義（DTD／エンティティ）が含まれています", "xml_bomb")
            first = False
            size += len(chunk)
            total[0] += len(chunk)
            if size > MAX_ENTRY_BYTES or total[0] > MAX_TOTAL_BYTES:
                raise _refuse(path, "展開後のサイズが大きすぎます（圧縮爆弾の疑い）", "zip_bomb")
            if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
                raise _refuse(path, "圧縮率が異常です（圧縮爆弾の疑い）", "zip_bomb")
            if keep:
                out.append(chunk)
    return b"".join(out) if keep else None


def _small(zf: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """Read a small index part (workbook.xml, its rels) with a cap; b"" when absent."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return b""
    try:
        with zf.open(info) as fh:
            data = fh.read(4 * 1024 * 1024 + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise _refuse(path, "ファイルが壊れているか、途中までしか保存されていません", "truncated") from exc
    if len(data) > 4 * 1024 * 1024 or _DTD.search(data[:8192]):
        raise _refuse(path, "ブックの構造が不正です（XML 定義または大きさ）", "xml_bomb")
    return data


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(rb'(?:(\w+):)?(\w+)="([^"]*)"')
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {m.group(2): m.group(3) for m in _ATTR.finditer(raw)}


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(a, b)
    return text


def _sheets(workbook_xml: bytes, rels_xml: bytes) -> dict[str, str]:
    """Sheet name -> zip path of its XML."""
    targets = {}
    for m in _REL_TAG.finditer(rels_xml):
        a = _attrs(m.group(1))
        if b"Id" in a and b"Target" in a:
            t = _unescape(a[b"Target"])
            targets[a[b"Id"].decode()] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    out = {}
    for m in _SHEET_TAG.finditer(workbook_xml):
        a = _attrs(m.group(1))
        if b"name" in a and b"id" in a:
            out[_unescape(a[b"name"])] = targets.get(a[b"id"].decode(), "")
    return out


def inspect(path: Path) -> Inspected:
    path = Path(path)
    data = read_bounded(path)
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(path, "ファイルが大きすぎます", "too_large")
    if not data.startswith(b"PK"):
        raise _not_zip(path, data)
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise _refuse(path, "ファイルが壊れているか、途中までしか保存されていません", "truncated") from exc
    with zf:
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
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            raise _refuse(path, "Excel ブック（.xlsx）ではありません（ブックの本体がありません）",
                          "not_workbook")
        # The parts a parser will read (the workbook index, shared strings, styles, the 入力
        # and manifest sheets) are inflated here first, with hard caps. The other parts (the
        # 取組管理票 sheets, theme, properties) are never parsed: their declared sizes were
        # checked above, which is all they can cost.
        sheets = _sheets(_small(zf, "xl/workbook.xml", path), _small(zf, "xl/_rels/workbook.xml.rels", path))
        wanted = {sheets.get(ENTRY_SHEET), sheets.get(MANIFEST_SHEET)} | PARSED_PARTS
        total = [0]
        kept: dict[str, bytes] = {}
        try:
            for info in infos:
                name = info.filename
                if name not in wanted:
                    continue
                keep = name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/")
                body = _inflate(zf, info, path, total, keep)
                if body is not None:
                    kept[name] = body
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise _refuse(path, "ファイルが壊れているか、途中までしか保存されていません", "truncated") from exc
    entry_path = sheets.get(ENTRY_SHEET)
    for part in ("xl/sharedStrings.xml", entry_path):
        if part and _longest_text(kept.get(part, b"")) > EXCEL_CELL_LIMIT:
            raise _refuse(path, f"Excel の上限（{EXCEL_CELL_LIMIT}文字）を超える文字列が含まれています",
                          "too_long")
    return Inspected(data=data, entry_xml=kept.get(entry_path) if entry_path else None,
                     sheet_names=tuple(sheets))


_LONG_TEXT = re.compile(rb"<(?:\w+:)?t\b[^>]*>([^<]{%d,})<" % EXCEL_CELL_LIMIT)


def _longest_text(xml: bytes) -> int:
    """Length of the longest text node (after unescaping) of at least the cell limit, else 0.

    python-calamine cuts longer strings to 32,767 characters, so they are found here.
    """
    longest = 0
    for m in _LONG_TEXT.finditer(xml):
        longest = max(longest, len(_unescape(m.group(1))))
    return longest


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


def formula_cells(sheet_xml: bytes) -> list[tuple[str, int]]:
    """(column letters, row) of every cell holding a formula; cheap when there is none."""
    if not _FORMULA.search(sheet_xml):
        return []
    out = []
    for m in _CELL.finditer(sheet_xml):
        body = m.group(3)
        if body and _FORMULA.search(body):
            ref = _REF.search(m.group(1))
            if ref:
                out.append((ref.group(1).decode(), int(ref.group(2))))
    return out
