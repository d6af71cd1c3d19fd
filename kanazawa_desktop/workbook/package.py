"""Which zip member each part of a returned workbook is, decided the way the reader decides.

The safety checks (safety.py) and the value reader (python-calamine) must agree on which
member is the `入力` sheet, which the manifest, which the shared strings: a check run on
one member while the reader reads another checks nothing. So every name is resolved here,
once, and anything the two could read differently is refused:

* OPC part names are case-insensitive (ECMA-376 Part 2, 9.1.1.2) and python-calamine finds
  members ignoring ASCII case (`xml_reader`: `eq_ignore_ascii_case`). Members are looked up
  the same way; two members whose names differ only by case are refused (`ambiguous`): which
  one a reader takes depends on its order of search.
* A sheet's relationship target: python-calamine (0.9.x, checked) reads an absolute target
  (`/xl/worksheets/sheet2.xml`) from the package root and prefixes any other with `xl/`; it
  does not resolve `.`/`..` segments nor percent-escapes, which OPC does. Both resolutions
  are computed; a target where they could differ (`..`, `.`, empty segments, `%`, `\\`,
  `#`, `?`) is refused rather than guessed. A target that resolves to no member, the same
  relationship id twice, the same sheet name twice, a sheet of ours that is not a worksheet
  part, and comments or CDATA in the index parts (which a regular-expression scan and an
  XML parser read differently; Office never writes them there) are refused as well.

Functions raise `PackageError(reason)`; safety.py words it for the person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_UNSAFE_TARGET = re.compile(r"[%\\#?\x00-\x20]")


class PackageError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def member_key(name: str) -> str:
    """How python-calamine compares member names: ASCII letters without case."""
    return name.translate(_ASCII_LOWER)


def member_index(names: Iterable[str]) -> dict[str, str]:
    """member_key -> the member's name; PackageError when two names differ only by case.

    (Compared with full Unicode case folding, stricter than the ASCII lookup: OPC folds all
    letters.)
    """
    out: dict[str, str] = {}
    folded: set[str] = set()
    for name in names:
        f = name.casefold()
        if f in folded:
            raise PackageError(f"two members named {name!r} ignoring case")
        folded.add(f)
        out[member_key(name)] = name
    return out


def calamine_path(target: str) -> str:
    """The member name python-calamine looks up for a sheet's relationship target."""
    return target[1:] if target.startswith("/") else "xl/" + target


def opc_path(target: str) -> str:
    """The part name OPC resolves a target of `/xl/_rels/workbook.xml.rels` to."""
    base = [] if target.startswith("/") else ["xl"]
    for seg in target.lstrip("/").split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if base:
                base.pop()
            continue
        base.append(seg)
    return "/".join(base)


def resolve(target: str, members: dict[str, str]) -> str:
    """The zip member a workbook relationship target names (PackageError if unsure or absent)."""
    if not target or _UNSAFE_TARGET.search(target):
        raise PackageError(f"unsupported target {target!r}")
    reader, opc = calamine_path(target), opc_path(target)
    if member_key(reader) != member_key(opc):
        raise PackageError(f"target {target!r} resolves differently ({reader!r} / {opc!r})")
    name = members.get(member_key(reader))
    if name is None:
        raise PackageError(f"target {target!r} names no member")
    return name


_COMMENT_OR_CDATA = re.compile(rb"<!--|<!\[CDATA\[")
_SHEET_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?sheet(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
_REL_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?Relationship(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
_ATTR = re.compile(rb"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def attributes(raw: bytes) -> dict[bytes, bytes]:
    """Qualified attribute name -> raw value (both quote styles); duplicates are refused."""
    out: dict[bytes, bytes] = {}
    for m in _ATTR.finditer(raw):
        if m.group(1) in out:
            raise PackageError(f"duplicate attribute {m.group(1)!r}")
        out[m.group(1)] = m.group(2) if m.group(2) is not None else m.group(3)
    return out


def unescape(raw: bytes) -> str:
    text = raw.decode("utf-8")
    text = re.sub(r"&#x([0-9a-fA-F]+);", lambda m: chr(int(m.group(1), 16)), text)
    text = re.sub(r"&#([0-9]+);", lambda m: chr(int(m.group(1))), text)
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(a, b)
    return text


def sheet_parts(workbook_xml: bytes, rels_xml: bytes, members: dict[str, str]) -> dict[str, str]:
    """Sheet name -> zip member of its XML, as python-calamine pairs them.

    It takes a sheet's id from the attribute `r:id` (or `relationships:id`) exactly, and its
    name from `name`; every sheet's target must resolve (see `resolve`).
    """
    for xml in (workbook_xml, rels_xml):
        if _COMMENT_OR_CDATA.search(xml):
            raise PackageError("comment or CDATA in the workbook index")
    targets: dict[str, str] = {}
    for m in _REL_TAG.finditer(rels_xml):
        a = attributes(m.group(1))
        if b"Id" not in a or b"Target" not in a:
            continue
        rid = unescape(a[b"Id"])
        if rid in targets:
            raise PackageError(f"relationship id {rid!r} twice")
        external = unescape(a.get(b"TargetMode", b"Internal")) == "External"
        targets[rid] = "" if external else unescape(a[b"Target"])
    out: dict[str, str] = {}
    seen: set[str] = set()
    for m in _SHEET_TAG.finditer(workbook_xml):
        a = attributes(m.group(1))
        sheet_rid = a.get(b"r:id", a.get(b"relationships:id"))
        if b"name" not in a or sheet_rid is None:
            continue
        name = unescape(a[b"name"])
        if name.casefold() in seen:  # Excel compares sheet names without case
            raise PackageError(f"sheet {name!r} twice")
        seen.add(name.casefold())
        target = targets.get(unescape(sheet_rid))
        if not target:
            raise PackageError(f"sheet {name!r} has no part")
        out[name] = resolve(target, members)
    return out


def worksheet_part(name: str) -> bool:
    """python-calamine types a sheet by the folder of its part; ours must be worksheets."""
    return member_key(name).startswith("xl/worksheets/")


def related_parts(rels_xml: bytes, members: dict[str, str]) -> set[str]:
    """Every member the workbook's relationships name (shared strings, styles, theme, ...).

    Lenient, unlike the sheets: Excel relates workbooks to `../customXml/item1.xml`, which
    python-calamine never reads (it finds shared strings and styles by their fixed names,
    which safety.py checks anyway). A target is resolved as OPC does; one that names no
    member is skipped. These parts are only scanned and size-checked, never trusted.
    """
    out = set()
    for m in _REL_TAG.finditer(rels_xml):
        a = attributes(m.group(1))
        if b"Target" in a and unescape(a.get(b"TargetMode", b"Internal")) != "External":
            target = unescape(a[b"Target"])
            for name in (calamine_path(target), opc_path(target)):
                if member_key(name) in members:
                    out.add(members[member_key(name)])
    return out
