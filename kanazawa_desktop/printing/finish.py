"""Finish a PDF written by QPdfWriter: correct text extraction and add bookmarks.

Two things QPdfWriter cannot do, done with pypdf's reader and objects and appended as one
incremental update appended to the file (the original bytes are neither rewritten nor
held in memory: pypdf reads the file lazily, the ToUnicode streams are found by a chunked
scan, so memory stays small whatever the page count):

- ToUnicode: IPAexGothic shares one glyph between a Kangxi radical and its ideograph
  (⽅ U+2F45 / 方 U+65B9); Qt maps the glyph back to the radical, so copied or searched
  text would read "⽅針". Targets listed in resources/fonts/ipaexg_shared_glyphs.json
  (built from the font by tools/build_font_map.py) are replaced by their ideographs.
- The outline: level-0 bookmarks (the 一覧, each 方針) at top level, level-1 bookmarks
  (each measure) under the last level-0 one, and the viewer opens with the outline shown.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import BinaryIO, Protocol

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

SHARED_GLYPHS = "ipaexg_shared_glyphs.json"
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


class Mark(Protocol):
    level: int
    title: str
    page: int


def finish_pdf(path: Path, marks: Sequence[Mark], info: dict[str, str] | None = None) -> int:
    """Fix ToUnicode maps, add the outline and set the document information's `info` entries
    (/Title, /Author, /Subject) in `path` in place; returns the page count."""
    with path.open("rb") as f:
        reader = PdfReader(f)
        pages = _page_refs(reader)
        new: dict[int, PdfObject] = {}
        for ref in _tounicode_refs(reader, f):
            fixed = fix_cmap(reader.get_object(ref).get_data())
            if fixed is not None:
                stream = DecodedStreamObject()
                stream.set_data(fixed)
                new[ref.idnum] = stream
        size = int(reader.trailer["/Size"])
        if marks:
            root_ref = reader.trailer.raw_get("/Root")
            catalog = DictionaryObject(reader.trailer["/Root"])
            outlines_id, size = _outline(marks, pages, size, new)
            catalog[NameObject("/Outlines")] = IndirectObject(outlines_id, 0, None)
            catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
            new[root_ref.idnum] = catalog
        info_ref = reader.trailer.raw_get("/Info") if "/Info" in reader.trailer else None
        if info and isinstance(info_ref, IndirectObject):
            doc_info = DictionaryObject(reader.trailer["/Info"])
            for key, value in info.items():
                doc_info[NameObject(key)] = TextStringObject(value)
            new[info_ref.idnum] = doc_info
        if not new:
            return len(pages)
        end = f.seek(0, io.SEEK_END)
        f.seek(max(0, end - 1024))
        tail = f.read()
        increment = _increment(end, tail, reader, new, size)
    with path.open("ab") as out:
        out.write(increment)
    return len(pages)


def _page_refs(reader: PdfReader) -> list[IndirectObject]:
    """The pages' references, from a flat page tree (QPdfWriter's) without parsing each page."""
    tree = reader.trailer["/Root"]["/Pages"]
    kids = tree.get("/Kids", [])
    refs = [kids.raw_get(i) if hasattr(kids, "raw_get") else kids[i] for i in range(len(kids))]
    if len(refs) == int(tree.get("/Count", -1)) and all(
        isinstance(r, IndirectObject) for r in refs
    ):
        return refs
    return [p.indirect_reference for p in reader.pages]


_TOUNICODE = re.compile(rb"/ToUnicode\s+(\d+)\s+(\d+)\s+R")
CHUNK = 1 << 20
OVERLAP = 64  # longer than any match of _TOUNICODE Qt writes


def _tounicode_refs(reader: PdfReader, f: BinaryIO) -> list[IndirectObject]:
    """ToUnicode streams: QPdfWriter writes font dictionaries uncompressed, so a byte scan
    (a chunk at a time) finds them; otherwise every page's fonts are looked at."""
    found: dict[int, IndirectObject] = {}
    f.seek(0)
    carry = b""
    while chunk := f.read(CHUNK):
        data = carry + chunk
        for m in _TOUNICODE.finditer(data):
            found.setdefault(
                int(m.group(1)), IndirectObject(int(m.group(1)), int(m.group(2)), reader)
            )
        carry = data[-OVERLAP:]  # a match cut by the chunk's end is found with the next one
    if found:
        return list(found.values())
    seen: dict[int, IndirectObject] = {}
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            ref = (
                font.get_object().raw_get("/ToUnicode")
                if "/ToUnicode" in font.get_object()
                else None
            )
            if isinstance(ref, IndirectObject):
                seen.setdefault(ref.idnum, ref)
    return list(seen.values())


@cache
def shared_glyphs() -> dict[str, str]:
    """{radical: ideograph} for glyphs the bundled font shares between the two."""
    path = resources.files("kanazawa_desktop.resources").joinpath("fonts", SHARED_GLYPHS)
    return json.loads(path.read_text(encoding="utf-8"))


def _fix_hex(token: bytes) -> bytes:
    raw = bytes.fromhex(token.decode())
    if len(raw) % 2:
        return token
    try:
        text = raw.decode("utf-16-be")
    except UnicodeDecodeError:
        return token
    table = shared_glyphs()
    out = "".join(table.get(ch, ch) for ch in text)
    return token if out == text else out.encode("utf-16-be").hex().upper().encode()


def fix_cmap(cmap: bytes) -> bytes | None:
    """The CMap with radical targets replaced, or None when nothing needed fixing."""
    out: list[bytes] = []
    mode = None
    changed = False
    for line in cmap.split(b"\n"):
        stripped = line.strip()
        if stripped.endswith(b"beginbfrange"):
            mode = 2
        elif stripped.endswith(b"beginbfchar"):
            mode = 1
        elif stripped in (b"endbfrange", b"endbfchar"):
            mode = None
        elif mode is not None:
            found = list(_HEX.finditer(line))
            if len(found) > mode:
                cut = found[mode - 1].end()
                head, tail = line[:cut], line[cut:]
                if mode == 2 and b"[" not in tail and found[0].group(1) != found[1].group(1):
                    fixed_tail = tail  # an incrementing range: only its start is given
                    first = _fix_hex(found[2].group(1))
                    if first != found[2].group(1):
                        lo, hi = int(found[0].group(1), 16), int(found[1].group(1), 16)
                        start = int(found[2].group(1), 16)
                        fixed_tail = (
                            b" ["
                            + b" ".join(
                                b"<" + _fix_hex(f"{start + i:04X}".encode()) + b">"
                                for i in range(hi - lo + 1)
                            )
                            + b"]"
                        )
                else:
                    fixed_tail = _HEX.sub(lambda m: b"<" + _fix_hex(m.group(1)) + b">", tail)
                if fixed_tail != tail:
                    changed = True
                    line = head + fixed_tail
        out.append(line)
    return b"\n".join(out) if changed else None


def _outline(
    marks: Sequence[Mark], pages: list, size: int, new: dict[int, PdfObject]
) -> tuple[int, int]:
    """Create the outline objects from object number `size`; returns (root id, new size)."""
    root_id = size
    size += 1
    tops: list[tuple[int, DictionaryObject, list[tuple[int, DictionaryObject]]]] = []
    for mark in marks:
        item = DictionaryObject()
        item[NameObject("/Title")] = TextStringObject(mark.title)
        item[NameObject("/Dest")] = ArrayObject([pages[mark.page], NameObject("/Fit")])
        entry = (size, item)
        size += 1
        if mark.level == 0 or not tops:
            tops.append((entry[0], item, []))
        else:
            tops[-1][2].append(entry)

    def chain(entries: list[tuple[int, DictionaryObject]], parent: int) -> None:
        for i, (oid, item) in enumerate(entries):
            item[NameObject("/Parent")] = IndirectObject(parent, 0, None)
            if i:
                item[NameObject("/Prev")] = IndirectObject(entries[i - 1][0], 0, None)
            if i + 1 < len(entries):
                item[NameObject("/Next")] = IndirectObject(entries[i + 1][0], 0, None)
            new[oid] = item

    chain([(oid, item) for oid, item, _ in tops], root_id)
    for oid, item, kids in tops:
        if kids:
            chain(kids, oid)
            item[NameObject("/First")] = IndirectObject(kids[0][0], 0, None)
            item[NameObject("/Last")] = IndirectObject(kids[-1][0], 0, None)
            item[NameObject("/Count")] = NumberObject(-len(kids))  # closed until clicked
    root = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Outlines"),
            NameObject("/First"): IndirectObject(tops[0][0], 0, None),
            NameObject("/Last"): IndirectObject(tops[-1][0], 0, None),
            NameObject("/Count"): NumberObject(len(tops)),
        }
    )
    new[root_id] = root
    return root_id, size


def _increment(
    end: int, tail: bytes, reader: PdfReader, objects: dict[int, PdfObject], size: int
) -> bytes:
    """Objects, a classic xref section and a trailer pointing back at the previous one, to
    append at offset `end`; `tail` is the file's last bytes (holding its startxref)."""
    prev = int(tail[tail.rindex(b"startxref") + 9 :].split()[0])
    buf = io.BytesIO()
    buf.write(b"\n")
    offsets: dict[int, int] = {}
    for oid in sorted(objects):
        offsets[oid] = end + buf.tell()
        buf.write(b"%d 0 obj\n" % oid)
        objects[oid].write_to_stream(buf)
        buf.write(b"\nendobj\n")
    xref_at = end + buf.tell()
    buf.write(b"xref\n")
    ids = sorted(offsets)
    run: list[int] = []
    for oid in ids + [-1]:
        if run and oid != run[-1] + 1:
            buf.write(b"%d %d\n" % (run[0], len(run)))
            for r in run:
                buf.write(b"%010d 00000 n \n" % offsets[r])
            run = []
        run.append(oid)
    trailer = DictionaryObject()
    for key in ("/Root", "/Info", "/ID"):
        if key in reader.trailer:
            trailer[NameObject(key)] = reader.trailer.raw_get(key)
    trailer[NameObject("/Size")] = NumberObject(max(size, max(ids) + 1))
    trailer[NameObject("/Prev")] = NumberObject(prev)
    buf.write(b"trailer\n")
    trailer.write_to_stream(buf)
    buf.write(b"\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return buf.getvalue()
