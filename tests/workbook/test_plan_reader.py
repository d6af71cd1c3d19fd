"""A plan workbook damaged anywhere inside a sound zip is read or refused (BadWorkbook), never
a traceback: byte flips in every XML part, with a fixed seed."""

from __future__ import annotations

import io
import random
import warnings
import zipfile

from plan_workbook_helpers import plan_workbook

from kanazawa_desktop.domain.errors import BadWorkbook
from kanazawa_desktop.workbook.plan_reader import read_plan


def test_byte_flips_in_any_part_are_read_or_refused(tmp_path):
    good = plan_workbook(tmp_path / "good.xlsx")
    with zipfile.ZipFile(good) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    rng = random.Random(20261130)
    outcomes = {"read": 0, "refused": 0}
    names = sorted(n for n in parts if n.endswith(".xml"))
    for i in range(80):
        name = names[i % len(names)]
        data = bytearray(parts[name])
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.choice(b'<>"/=& abcxyz0123456789')
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in parts.items():
                z.writestr(n, bytes(data) if n == name else d)
        f = tmp_path / "m.xlsx"
        f.write_bytes(buf.getvalue())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's own about what it drops
            try:
                read_plan(f)
                outcomes["read"] += 1
            except BadWorkbook as e:
                assert e.message.startswith("m.xlsx: ")
                outcomes["refused"] += 1
    assert outcomes["refused"] > 10 and outcomes["read"] > 0
