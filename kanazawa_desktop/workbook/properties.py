"""When a workbook was last saved, from its core properties (`docProps/core.xml`).

`saved_at(data) -> str | None`: `dcterms:modified` as UTC ISO text to the microsecond
(`2026-11-30T10:46:49.000000+00:00`, so two values compare as strings), or None when the
package has no such part or value. Excel, LibreOffice and openpyxl all write it on every
save (seconds; LibreOffice with a fraction); it is the evidence that orders two fillings of
the same issued workbook. The part is found through the package relationships
(`_rels/.rels`, case-insensitive as OPC part names are), read with a size cap, and never
parsed as XML (a regular expression over at most 64 KB: no entities, no DTD).
"""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from io import BytesIO

from .package import member_index, member_key

CORE_REL = b"relationships/metadata/core-properties"
CAP = 64 * 1024
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_TARGET = re.compile(rb'\bTarget="([^"]*)"')
_MODIFIED = re.compile(rb"<(?:\w+:)?modified\b[^>]*>\s*([^<]{1,64}?)\s*</(?:\w+:)?modified>")
_W3CDTF = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})?$"
)


def _read(zf: zipfile.ZipFile, name: str) -> bytes:
    found = member_index(zf.namelist()).get(member_key(name))  # part names compare as the reader's
    info = zf.getinfo(found) if found else None
    if info is None or info.file_size > CAP:
        return b""
    with zf.open(info) as fh:
        return fh.read(CAP)


def _core_part(zf: zipfile.ZipFile) -> str:
    for m in _REL.finditer(_read(zf, "_rels/.rels")):
        if CORE_REL in m.group(1):
            t = _TARGET.search(m.group(1))
            if t:
                return t.group(1).decode("utf-8", "replace").lstrip("/")
    return "docProps/core.xml"


def parse_w3cdtf(text: str) -> str | None:
    """'2026-11-30T10:46:49Z' (or with a fraction, an offset, or none: UTC) -> UTC ISO."""
    m = _W3CDTF.match(text.strip())
    if not m:
        return None
    day, clock, frac, zone = m.groups()
    if clock.count(":") == 1:
        clock += ":00"
    micro = (frac or "0")[:6].ljust(6, "0")
    offset = (
        "+00:00" if zone in (None, "Z") else (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}")
    )
    try:
        when = datetime.fromisoformat(f"{day}T{clock}.{micro}{offset}")
    except ValueError:
        return None
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def saved_at(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            found = _MODIFIED.search(_read(zf, _core_part(zf)))
    except Exception:  # a damaged optional part never refuses a file (zip, zlib, decoding…)
        return None
    return parse_w3cdtf(found.group(1).decode("ascii", "replace")) if found else None
