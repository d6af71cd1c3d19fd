"""Importer fuzz test: mutations of a REAL returned workbook, judged in a child process.

A department workbook is exported from a secretariat database and filled in as a person
would; each case then applies one to three mutations drawn by `random.Random(seed)`:

  zip   bytes flipped, the file truncated, bytes inserted, local headers, the central
        directory and its end record corrupted;
  xml   a part's XML: elements deleted or duplicated, attributes changed, huge numbers,
        invalid UTF-8, a DOCTYPE, deep nesting;
  cells through openpyxl: values of every type, formulas, far-away cells, long strings,
        new, renamed and removed sheets, valid entries (so that some files apply);
  manifest  edited WITH its checksum recomputed: scope, department, statuses, fy 2099,
        editable fields, sent values, labels, keys;
  rels  relationship targets in another case, absolute/relative, missing, swapped.

Every file is judged by tests/import_judge.py in one child process (RLIMIT_AS 1.5 GB,
timeout): preview_import returns (no exception, no abort) within 10 s; a preview and a
refused file change nothing in the database (every table compared); a clean file is
applied and the database then passes integrity_check and foreign_key_check; the child's
peak RSS stays under 1 GB. A failing case is reported with its seed and the mutations it
drew; `make_case(seed, base_file, out, families)` rebuilds exactly that file.

Two scenarios: the secretariat judging a department's return, and a department PC judging
the secretariat's master workbook (no registry of issued manifests there, so forged
manifests and definitions reach the merge). The default run (100 + 12 cases) takes about a
minute on the 2-core box; `--slow` runs 1,500 + 300.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest
from exchange_helpers import fill, forge_manifest, forge_manifest_xml, synced_pcs
from import_judge import PEAK_RSS, SECONDS_PER_FILE, judge

from kanazawa_desktop.domain.status import Status

SHORT_CASES = 100
SHORT_SYNC_CASES = 12
LONG_CASES = 1500
LONG_SYNC_CASES = 300
ENTRY_PART = "xl/worksheets/sheet2.xml"
MANIFEST_PART = "xl/worksheets/sheet10.xml"  # after 一覧, 入力, 指標 and 6 取組管理票
XML_PARTS = (
    ENTRY_PART,
    MANIFEST_PART,
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "[Content_Types].xml",
    "xl/worksheets/sheet1.xml",
)


# -- the base file ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """(secretariat database, a filled department return) built once per module."""
    from kanazawa_desktop.services import exchange as X
    from kanazawa_desktop.services.desk import Desk

    d = tmp_path_factory.mktemp("fuzz_base")
    with Desk.open(d / "master.sqlite3") as sec:
        sec.set_role(secretariat=True)
        path = X.export_workbook(sec, d / "jinji.xlsx", "人事課").path
    fill(
        path,
        {
            ("No.7", "R5", "result"): "職員証の運用を開始した",
            ("No.7", "R5", "status"): "達成",
            ("No.10", "R6", "result"): "研修を2回実施",
        },
    )
    return d / "master.sqlite3", path


# -- mutations: each takes (rng, path) and rewrites the file, returning a description ----


def _rewrite(path: Path, edit) -> None:
    """Rebuild the zip with edit(name, data) -> (name, data) | None for each entry."""
    with zipfile.ZipFile(path) as zin:
        items = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            out = edit(name, data)
            if out is not None:  # a fixed time: a case is rebuilt byte for byte from its seed
                zout.writestr(
                    zipfile.ZipInfo(out[0], date_time=(2024, 4, 1, 0, 0, 0)),
                    out[1],
                    compress_type=zipfile.ZIP_DEFLATED,
                )


def _normalize(path: Path) -> None:
    """After openpyxl saved: its time stamps (zip entries, docProps/core.xml) made fixed."""

    def edit(name, data):
        if name == "docProps/core.xml":
            data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-04-01T00:00:00Z", data)
        return name, data

    _rewrite(path, edit)


def _edit_part(path: Path, part: str, change) -> None:
    _rewrite(path, lambda n, d: (n, change(d)) if n == part else (n, d))


def zip_flip(rng, path):
    data = bytearray(path.read_bytes())
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))
    return "zip: bytes flipped"


def zip_truncate(rng, path):
    data = path.read_bytes()
    path.write_bytes(data[: rng.randrange(len(data))])
    return "zip: truncated"


def zip_insert(rng, path):
    data = path.read_bytes()
    at = rng.randrange(len(data))
    path.write_bytes(data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:])
    return "zip: bytes inserted"


def _headers(data: bytes, sig: bytes) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(sig), data)]


def zip_header(rng, path):
    data = bytearray(path.read_bytes())
    sig, size = rng.choice([(b"PK\x03\x04", 30), (b"PK\x01\x02", 46), (b"PK\x05\x06", 22)])
    found = _headers(bytes(data), sig)
    if not found:
        return "zip: no header"
    at = rng.choice(found) + rng.randrange(4, size)
    value = rng.choice([b"\xff", b"\x00", bytes([rng.randrange(256)])])
    data[at : at + 1] = value
    if rng.random() < 0.3:  # a whole field: sizes, offsets, versions, flags, name length
        field = rng.choice([2, 4])
        at = rng.choice(found) + rng.randrange(4, size - field)
        data[at : at + field] = rng.choice(
            [b"\xff" * field, b"\x00" * field, struct.pack("<H", 80)[:field].ljust(field, b"\0")]
        )
    path.write_bytes(bytes(data))
    return f"zip: header {sig!r} byte changed"


def _xml_mutation(rng, xml: bytes) -> tuple[bytes, str]:
    tags = [m for m in re.finditer(rb"<([A-Za-z][\w:]*)\b[^>]*?(/>|>)", xml)]
    kind = rng.choice(
        [
            "delete",
            "duplicate",
            "attribute",
            "huge",
            "utf8",
            "doctype",
            "nesting",
            "text",
            "truncate",
        ]
    )
    if not tags and kind in ("delete", "duplicate", "attribute"):
        kind = "utf8"
    if kind == "delete":
        m = rng.choice(tags)
        end = xml.find(b"</" + m.group(1) + b">", m.end()) if m.group(2) == b">" else m.end()
        end = m.end() if end < 0 else end + len(m.group(1)) + 3 if m.group(2) == b">" else end
        return xml[: m.start()] + xml[end:], f"element <{m.group(1).decode()}> deleted"
    if kind == "duplicate":
        m = rng.choice(tags)
        return xml[: m.end()] + xml[m.start() : m.end()] + xml[
            m.end() :
        ], f"tag <{m.group(1).decode()}> duplicated"
    if kind == "attribute":
        m = rng.choice(tags)
        attrs = list(re.finditer(rb'(\w[\w:]*)="([^"]*)"', m.group(0)))
        if not attrs:
            return xml, "no attribute"
        a = rng.choice(attrs)
        value = rng.choice(
            [
                b"",
                b"-1",
                b"9" * 30,
                b"XFD1048576",
                b"A0",
                b"1e308",
                b"\xe2\x80\x8b",
                a.group(2).upper(),
                a.group(2) + a.group(2),
                b"sheet",
                b"/XL/x.xml",
            ]
        )
        start = m.start() + a.start(2)
        return xml[:start] + value + xml[
            m.start() + a.end(2) :
        ], f"attribute {a.group(1).decode()} = {value[:20]!r}"
    if kind == "huge":
        return re.sub(
            rb"<v>[^<]*</v>",
            b"<v>" + b"9" * rng.choice([20, 400, 5000]) + b"</v>",
            xml,
            count=rng.randint(1, 5),
        ), "huge numbers"
    if kind == "utf8":
        at = rng.randrange(len(xml) or 1)
        return xml[:at] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"]) + xml[
            at:
        ], "invalid UTF-8"
    if kind == "doctype":
        dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
        if rng.random() < 0.5:
            dtd = b"<!--" + b"c" * rng.choice([100, 9000, 70000]) + b"-->" + dtd
        head, _, body = xml.partition(b"?>")
        return (head + b"?>" + dtd + body) if body else dtd + xml, "DOCTYPE"
    if kind == "nesting":
        depth = rng.choice([100, 10000, 200000])
        at = xml.find(b"<sheetData>")
        at = at + 11 if at >= 0 else max(xml.find(b">", 40) + 1, 0)
        return xml[:at] + b"<a>" * depth + b"</a>" * depth + xml[at:], f"nesting {depth}"
    if kind == "text":
        return xml.replace(
            b"<t>", b"<t>" + rng.choice([b"&lol;", b"&#0;", b"&#xD800;", b"]]>", b"<"]), 1
        ), "bad text"
    return xml[: rng.randrange(len(xml) or 1)], "part truncated"


def _manifest_part(path: Path) -> str:
    """The member holding _manifest (sheet10 in a department workbook, later in a master)."""
    with zipfile.ZipFile(path) as z:
        wb, rels = z.read("xl/workbook.xml"), z.read("xl/_rels/workbook.xml.rels")
    rid = re.search(rb'name="_manifest"[^>]*r:id="(\w+)"', wb).group(1)
    return re.search(rb'Target="/?([^"]*)" Id="%s"' % rid, rels).group(1).decode()


def xml_part(rng, path):
    part = rng.choice(XML_PARTS)
    if part == MANIFEST_PART:
        part = _manifest_part(path)
    note = []

    def change(xml):
        out, what = _xml_mutation(rng, xml)
        note.append(what)
        return out

    _edit_part(path, part, change)
    return f"xml {part}: {note[0] if note else 'absent'}"


_ENTRY_VALUES = [
    lambda r: r.randint(-(10**6), 10**6),
    lambda r: r.random() * 10 ** r.randint(0, 300),
    lambda r: True,
    lambda r: "=1+1",
    lambda r: '=HYPERLINK("http://x")',
    lambda r: "#N/A",
    lambda r: "x" * r.choice([10, 32767, 40000]),
    lambda r: "達成",
    lambda r: "未達成",
    lambda r: "たぶん",
    lambda r: "1,800",
    lambda r: "\u3000",
    lambda r: None,
    lambda r: __import__("datetime").date(2024, 4, 1),
]


def cells(rng, path):
    wb = openpyxl.load_workbook(path)
    kind = rng.choice(
        [
            "value",
            "value",
            "far",
            "sheet_new",
            "sheet_rename",
            "sheet_remove",
            "row_insert",
            "valid",
            "valid",
        ]
    )
    ws = wb["入力"]
    if kind == "value":
        ref = f"{rng.choice('ABCDEFGHIJK')}{rng.randint(1, 30)}"
        value = rng.choice(_ENTRY_VALUES)(rng)
        ws[ref] = value
        if isinstance(value, str) and not value.startswith("="):
            ws[ref].data_type = "s"
        what = f"{ref} = {str(value)[:20]!r}"
    elif kind == "far":
        ref = rng.choice(["XFD1048576", "CV1048576", "A1048576", "Z99999", "AA1", "J5"])
        target = wb[rng.choice(["入力", "_manifest"])]
        target[ref] = "x"
        what = f"{target.title}!{ref}"
    elif kind == "sheet_new":
        wb.create_sheet(rng.choice(["メモ", "入力2", "_manifest2"]))["A1"] = "x"
        what = "new sheet"
    elif kind == "sheet_rename":
        sheet = wb[rng.choice(["入力", "_manifest"])]
        sheet.title = rng.choice(["入力 ", "Input", "_Manifest", "入力(2)"])
        what = f"sheet renamed {sheet.title}"
    elif kind == "sheet_remove":
        name = rng.choice(["入力", "_manifest", "No.7"])
        del wb[name]
        what = f"sheet {name} removed"
    elif kind == "row_insert":
        ws.insert_rows(rng.randint(2, 20))
        what = "row inserted"
    else:
        # (bounded: after a far-away cell, ws.cell() down to max_row would create 1M cells)
        rows = [r for r in range(2, min(ws.max_row, 200) + 1) if ws.cell(r, 1).value] or [2]
        r = rng.choice(rows)
        col, value = rng.choice(
            [
                (6, f"実施した{rng.randint(1, 99)}"),
                (7, rng.choice(["達成", "未達成", "未確定"])),
                (9, rng.choice([0, 12.5, 1800, "1,800"])),
                (6, ""),
            ]
        )
        ws.cell(r, col).value = value
        if isinstance(value, str):
            ws.cell(r, col).data_type = "s"
        what = f"valid entry row {r} col {col}"
    wb.save(path)
    wb.close()
    _normalize(path)
    return f"cells: {what}"


def manifest(rng, path):
    kind = rng.choice(
        [
            "scope",
            "department",
            "status",
            "fy",
            "editable",
            "sent",
            "label",
            "key",
            "actual",
            "issued_at",
        ]
    )
    notes = []

    def rows_edit(rows):
        row = rng.choice(rows)
        if kind == "status":
            row[6] = rng.choice([s.value for s in Status] + ["達成", "bogus"])
        elif kind == "fy":
            row[1] = rng.choice(["2099", "2023", "1999", "２０２３", "0"])
        elif kind == "editable":
            row[2] = rng.choice(
                ["", "result_text,status,actual", "status", "name", "actual,actual"]
            )
        elif kind == "sent" and len(row) > 8:
            row[8] = rng.choice(
                [
                    '{"status":"achieved"}',
                    '{"actual":1e400}',
                    '{"result_text":"x"}',
                    '{"status":"達成"}',
                    '{"actual":null}',
                    "[]",
                ]
            )
        elif kind == "label":
            other = rng.choice(rows)
            row[3], other[3] = other[3], row[3]
        elif kind == "key":
            row[0] = rng.choice([r[0] for r in rows] + ["No.999", ""])
        elif kind == "actual":
            row[7] = rng.choice(["", "70", "-0.0", "1e308", "nan", "12.5"])
        notes.append(f"row {row[3]} {row[1]}")

    def meta_edit(meta):
        if kind == "scope":
            meta["scope"] = rng.choice(["master", "department", "other"])
        elif kind == "department":
            meta["department"] = rng.choice(["デジタル行政戦略課", "", "存在しない課"])
        elif kind == "issued_at":
            # (not a later time: once applied, it would make every later case "older")
            meta["issued_at"] = rng.choice(
                ["2000-01-01T00:00:00+09:00", "2024-01-01T00:00:00", "2024-13-01T00:00:00+09:00"]
            )

    def defs_edit(defs):
        if not defs["measures"] or rng.random() < 0.5:
            return
        d = rng.choice(defs["measures"])
        key = rng.choice(list(d))
        d[key] = rng.choice(
            [
                None,
                "",
                0,
                -1,
                10**30,
                True,
                [],
                ["人事課"],
                "No.999",
                "1-1-1",
                ["hito", "bogus"],
                ["件数", "件", "sideways", False, ""],
                "x" * 40000,
            ]
        )
        if rng.random() < 0.2:
            defs["measures"].append(
                {
                    **d,
                    "key": f"new{rng.randint(1, 9)}",
                    "node": rng.choice([d["node"], "9-9-9", ""]),
                }
            )
        if rng.random() < 0.2 and defs["nodes"]:
            n = rng.choice(defs["nodes"])
            n[rng.randrange(6)] = rng.choice(["", "x", 0, 10**30, None])
        notes.append(f"definition {d.get('key')}.{key}")

    try:
        part = _manifest_part(path)
        if path.stat().st_size > 100_000:  # a master workbook: openpyxl takes seconds
            forge_manifest_xml(
                path, part, rows_edit=rows_edit, meta_edit=meta_edit, defs_edit=defs_edit
            )
        else:
            forge_manifest(path, rows_edit=rows_edit, meta_edit=meta_edit, defs_edit=defs_edit)
        _normalize(path)
    except Exception as exc:  # noqa: BLE001 - an earlier mutation broke the file for openpyxl
        return f"manifest: not forged ({type(exc).__name__})"
    return f"manifest: {kind} {notes}"


def rels(rng, path):
    kind = rng.choice(["case", "relative", "missing", "swap", "dotdot", "external"])
    manifest_part = _manifest_part(path)

    def change(xml):
        if kind == "case":
            return xml.replace(
                b"/xl/worksheets/sheet2.xml",
                rng.choice([b"/XL/worksheets/sheet2.xml", b"/xl/Worksheets/SHEET2.xml"]),
            )
        if kind == "relative":
            return xml.replace(
                b'Target="/xl/', rng.choice([b'Target="', b'Target="xl/', b'Target="./'])
            )
        if kind == "missing":
            return xml.replace(manifest_part.rsplit("/", 1)[1].encode(), b"sheet999.xml")
        if kind == "swap":
            return (
                xml.replace(b"sheet2.xml", b"sheetX.xml")
                .replace(b"sheet3.xml", b"sheet2.xml")
                .replace(b"sheetX.xml", b"sheet3.xml")
            )
        if kind == "dotdot":
            return xml.replace(b"/xl/worksheets/sheet2.xml", b"worksheets/../worksheets/sheet2.xml")
        return xml.replace(b'Id="rId2"', b'Id="rId2" TargetMode="External"')

    _edit_part(path, "xl/_rels/workbook.xml.rels", change)
    return f"rels: {kind}"


@pytest.fixture(scope="module")
def sync_base(tmp_path_factory):
    """(a department PC's database, the secretariat's next master workbook for it)."""
    from kanazawa_desktop.services import exchange as X
    from kanazawa_desktop.services.desk import Desk

    d = tmp_path_factory.mktemp("fuzz_sync")
    master_db, dept_db = synced_pcs(d)
    with Desk.open(master_db) as sec:
        m = next(m for m in sec.measures() if m.number == 11)
        sec.save(m.id, {(2023, "result_text"): "事務局が記入", (None, "name"): m.name + "（改）"})
        path = X.export_workbook(sec, d / "master2.xlsx").path
    return dept_db, path


FAMILIES = [
    zip_flip,
    zip_truncate,
    zip_insert,
    zip_header,
    xml_part,
    xml_part,
    cells,
    cells,
    cells,
    manifest,
    manifest,
    rels,
]
ZIP_LAST = {zip_flip, zip_truncate, zip_insert, zip_header}  # byte damage goes last


# a master workbook has 90 取組管理票: openpyxl takes seconds on it, so no cell edits there
SYNC_FAMILIES = [
    zip_flip,
    zip_truncate,
    zip_header,
    xml_part,
    xml_part,
    manifest,
    manifest,
    manifest,
    rels,
]


def make_case(seed: int, base_file: Path, out: Path, families=FAMILIES) -> list[str]:
    """Build case `seed` from the base file; returns what was done (for the failure report)."""
    rng = random.Random(seed)
    shutil.copyfile(base_file, out)
    chosen = [rng.choice(families) for _ in range(rng.choice([1, 1, 2, 3]))]
    # openpyxl edits first, then XML, then byte damage: openpyxl itself must never read a
    # hostile part (a long run saw the generating pytest grow to 17 GB on one)
    chosen.sort(key=lambda f: 2 if f in ZIP_LAST else 1 if f is xml_part else 0)
    done = []
    for family in chosen:
        try:
            done.append(family(rng, out))
        except Exception as exc:  # noqa: BLE001 - the generator's tools, not the code under test
            # an earlier mutation already made the file unreadable for openpyxl or zipfile
            done.append(f"{family.__name__}: skipped ({type(exc).__name__})")
    return done


def _run(base, tmp_path, seeds, families=FAMILIES) -> None:
    db, base_file = base
    work = tmp_path / "judged.sqlite3"
    shutil.copyfile(db, work)
    cases, notes = [], {}
    for seed in seeds:
        out = tmp_path / f"case{seed}.xlsx"
        notes[str(seed)] = make_case(seed, base_file, out, families)
        cases.append((str(seed), out))
    results, peak = judge(work, cases, timeout=60 + 12 * len(cases))
    bad = []
    for r in results:
        seed = r["case"]
        problems = list(r.get("problems", []))
        if "crashed" in r:
            problems.append(r["crashed"])
        if r.get("seconds", 0) > SECONDS_PER_FILE:
            problems.append(f"{r['seconds']} s")
        if r.get("error") and (
            not r["error"].startswith(f"case{seed}.xlsx: ") or "\n" in r["error"]
        ):
            problems.append(f"message: {r['error']!r}")
        if problems:
            bad.append(f"seed {seed} ({'; '.join(notes.get(str(seed), []))}): {problems}")
    assert len(results) >= len(cases), "the child stopped early"
    assert not bad, "\n".join(bad)
    assert peak <= PEAK_RSS, f"peak RSS {peak / 2**20:.0f} MB"
    kinds: dict[str, int] = {}
    for r in results:
        key = (
            "applied"
            if r.get("applied")
            else r.get("error_kind") or ("refused" if r.get("refused") else "clean")
        )
        kinds[key] = kinds.get(key, 0) + 1
    print("fuzz outcome:", json.dumps(kinds, ensure_ascii=False, sort_keys=True))


def test_import_fuzz_short(base, tmp_path):
    _run(base, tmp_path, range(1000, 1000 + SHORT_CASES))


def test_sync_fuzz_short(sync_base, tmp_path):
    """A department PC importing the secretariat's master workbook: no registry of issued
    manifests there, so forged manifests (definitions too) reach the merge."""
    _run(sync_base, tmp_path, range(5000, 5000 + SHORT_SYNC_CASES), SYNC_FAMILIES)


@pytest.mark.slow
def test_import_fuzz_long(base, tmp_path):
    for start in range(20000, 20000 + LONG_CASES, 250):  # batches: a crash names its batch
        _run(base, tmp_path, range(start, min(start + 250, 20000 + LONG_CASES)))


@pytest.mark.slow
def test_sync_fuzz_long(sync_base, tmp_path):
    for start in range(40000, 40000 + LONG_SYNC_CASES, 100):
        _run(
            sync_base,
            tmp_path,
            range(start, min(start + 100, 40000 + LONG_SYNC_CASES)),
            SYNC_FAMILIES,
        )


def test_make_case_is_reproducible(base, tmp_path):
    _, base_file = base
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for seed in (1, 7, 42, 1003, 1011):
        assert make_case(seed, base_file, a) == make_case(seed, base_file, b)
        assert a.read_bytes() == b.read_bytes(), seed
