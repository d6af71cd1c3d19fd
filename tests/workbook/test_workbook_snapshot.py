"""The streaming (write-only) writer writes the same workbook as the cell-by-cell writer did.

tests/fixtures/workbook_snapshot_92.json.gz holds the snapshot (tests/workbook_snapshot.py) of
the master workbook and of 人事課's part of the bundled plan (92 measures, with tricky texts,
statuses and 実績値 filled in), written by the writer before it streamed rows. Every cell's
value, type and style, every validation's cells, widths, heights, merges, panes, filter,
protection and page setup must come out the same. Regenerate (only for a deliberate change of
the workbook) with: PYTHONPATH=tests python tests/workbook/test_workbook_snapshot.py
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

from workbook_snapshot import first_difference, snapshot

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "workbook_snapshot_92.json.gz"
TRICKY = [
    "=SUM(A1)",
    "-3",
    "#N/A",
    " 前後の空白 ",
    "改行\n二行目\n三行目",
    "𠮷野家",
    "_x0041_",
    "とても長い実施結果の文章。" * 30,
]


def _filled(desk) -> None:
    from kanazawa_desktop.domain.status import Status

    for i, m in enumerate(m for m in desk.measures() if m.number in (1, 2, 5, 10, 33, 61, 90)):
        edits = {
            (2023, "result_text"): TRICKY[i % len(TRICKY)],
            (2024, "result_text"): TRICKY[(i + 3) % len(TRICKY)],
            (2023, "status"): Status.ACHIEVED,
            (2024, "status"): Status.NOT_ACHIEVED,
        }
        if m.numeric:
            edits[(2023, "actual")] = 12.5
        desk.save(m.id, edits)


def _export(tmp_path: Path) -> Path:
    """人事課's part of the filled bundled plan."""
    from kanazawa_desktop.services import exchange as X
    from kanazawa_desktop.services.desk import Desk

    with Desk.open(tmp_path / "raw.sqlite3") as desk:
        desk.set_role(secretariat=True)
        _filled(desk)
        return X.export_workbook(desk, tmp_path / "raw.xlsx", "人事課").path


def make_snapshots(tmp_path: Path) -> dict:
    from kanazawa_desktop.services import exchange as X
    from kanazawa_desktop.services.desk import Desk

    with Desk.open(tmp_path / "snap.sqlite3") as desk:
        desk.set_role(secretariat=True)
        _filled(desk)
        master = X.export_workbook(desk, tmp_path / "master.xlsx").path
        part = X.export_workbook(desk, tmp_path / "jinji.xlsx", "人事課").path
        snaps = {"master": snapshot(master), "人事課": snapshot(part)}
    return json.loads(json.dumps(snaps))  # tuples as lists, keys as text: as stored


_ERA_DAY = re.compile(r"令和[0-9元]+年[0-9]+月[0-9]+日")


def _undated(snaps: dict) -> dict:
    """The day of export (令和8年11月30日, in 記入のしかた and the headers) as a placeholder:
    the snapshot is of the writer, not of the day it ran (it failed after midnight)."""
    text = _ERA_DAY.sub("令和N年M月D日", json.dumps(snaps, ensure_ascii=False))
    return json.loads(text)


def test_workbook_is_the_same_as_the_cell_by_cell_writer_wrote(tmp_path):
    expected = _undated(json.loads(gzip.decompress(FIXTURE.read_bytes())))
    got = _undated(make_snapshots(tmp_path))
    diff = first_difference(expected, got)
    assert diff is None, diff
    assert expected == got


def test_sheet_xml_carries_what_the_snapshot_cannot_see(tmp_path):
    """What openpyxl's reading (so the snapshot) does not show: text with outer spaces or line
    breaks (or nothing else) marked xml:space="preserve" (Excel and calamine strip it otherwise: the import then
    read No.10's 実施結果 as changed), and each sheet's <dimension> its used range (readers
    size the sheet from it)."""
    import re
    import xml.etree.ElementTree as ET
    import zipfile

    from openpyxl.utils.cell import range_boundaries

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    space = "{http://www.w3.org/XML/1998/namespace}space"
    with zipfile.ZipFile(_export(tmp_path)) as z:
        parts = [n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        assert len(parts) > 3
        for part in parts:
            root = ET.fromstring(z.read(part))
            for t in root.iter(f"{ns}t"):
                text = t.text or ""
                if text != text.strip():
                    assert t.get(space) == "preserve", (part, text[:20])
            refs = [c.get("r") for c in root.iter(f"{ns}c")]
            bounds = [range_boundaries(f"{r}:{r}") for r in refs]
            used = (max(b[2] for b in bounds), max(b[3] for b in bounds))
            ref = root.find(f"{ns}dimension").get("ref")
            assert range_boundaries(ref)[2:] == used and ref.startswith("A1:"), (part, ref)


def test_row_height_counts_east_asian_characters_as_two_units():
    """The fast line count (from the narrow characters) equals the per-character rule."""
    import random

    from kanazawa_desktop.workbook.writer import _lines

    def reference(text, width):
        total = 0
        for part in text.split("\n"):
            units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in part)
            total += max(1, -(-units // max(int(width) - 1, 1)))
        return total

    rnd = random.Random(7)
    alphabet = "ab 1-\né—・\u2e7f\u2e80あ一ー𠮷"
    for _ in range(3000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 200)))
        width = rnd.choice([7, 9, 13, 24, 30, 50, 120])
        assert _lines(text, width) == reference(text, width), (text, width)
    assert _lines("あ" * 24, 50) == 1 and _lines("あ" * 25, 50) == 2 and _lines("a" * 50, 50) == 2


if __name__ == "__main__":  # regenerate the fixture
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: the shared helpers
    with tempfile.TemporaryDirectory() as d:
        data = json.dumps(make_snapshots(Path(d)), ensure_ascii=False, sort_keys=True)
    FIXTURE.write_bytes(gzip.compress(data.encode(), mtime=0))
    print(FIXTURE, len(data))
