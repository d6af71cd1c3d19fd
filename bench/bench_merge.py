"""Benchmark: merging 100 returned workbooks of 200 entry rows each, and exporting the master.

    .venv/bin/python bench/bench_merge.py [--files 100] [--runs 3] [--keep DIR]

Setup (not timed): a secretariat database whose plan repeats the bundled measures so that
100 synthetic departments each hold 50 of their own (5,000 measures; every workbook has
50 x 4 = 200 入力 rows and 50 取組管理票); one workbook per department is exported and
filled in with openpyxl as a department would (results, statuses and numbers in a quarter
of the rows).

Timed:
* preview_import of all files: safety checks, calamine read, manifest checksum, every row
  validated and three-way merged against the database (the full dry run);
* pandas.read_excel(sheet_name="入力") of the same files + concat, if pandas is installed
  (`pip install -e .[bench]`), in the same run, for comparison;
* export of the master workbook on a database with the bundled plan.
Figures are printed (best of --runs for each); this is not a timed test.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kanazawa_desktop.services import exchange as X  # noqa: E402
from kanazawa_desktop.services.desk import Desk  # noqa: E402
from kanazawa_desktop.services.paths import bundled_plan_bytes  # noqa: E402
from kanazawa_desktop.store import repository as repo  # noqa: E402
from kanazawa_desktop.store.connection import connect  # noqa: E402
from kanazawa_desktop.store.models import database_proxy  # noqa: E402
from kanazawa_desktop.store.plan_loader import load_plan  # noqa: E402
from kanazawa_desktop.store.schema import ensure_schema  # noqa: E402


def synthetic_plan(departments: list[str], per_department: int) -> dict:
    """The bundled plan with its measures repeated so each department holds its own 50."""
    data = json.loads(bundled_plan_bytes())
    templates = [m for m in data["measures"] if not m.get("repeat_of")]
    measures = []
    for i, dept in enumerate(departments):
        for j in range(per_department):
            n = i * per_department + j + 1
            m = dict(templates[(i * 7 + j) % len(templates)])
            m.update(key=f"No.{n}", number=n, departments=[dept])
            measures.append(m)
    return {**data, "departments": departments, "measures": measures}


def build(folder: Path, files: int) -> tuple[Path, list[Path]]:
    db_path = folder / "bench.sqlite3"
    for old in folder.glob("*.sqlite3*"):  # a kept folder is rebuilt from scratch
        old.unlink()
    depts = [f"部署{i:03d}" for i in range(files)]
    db, _info = connect(db_path)
    database_proxy.initialize(db)
    ensure_schema(db, db_path)
    load_plan(db, synthetic_plan(depts, 50))
    repo.set_meta("database_uid", uuid.uuid4().hex)
    db.close()
    database_proxy.initialize(None)
    desk = Desk.open(db_path)
    desk.set_role(secretariat=True)
    out = []
    for i, d in enumerate(depts):
        path = X.export_workbook(desk, folder / f"return_{i:03d}.xlsx", d).path
        wb = openpyxl.load_workbook(path)
        ws = wb["入力"]
        for r in range(2, ws.max_row + 1, 4):
            cell = ws.cell(r, 6)
            cell.value = f"{d} の実施結果 行{r}\n・詳細"
            cell.data_type = "s"
            ws.cell(r, 7).value = "達成" if r % 8 else "未達成"
            if ws.cell(r, 9).protection.locked is False:
                ws.cell(r, 9).value = r * 1.5
        wb.save(path)
        out.append(path)
        print(f"\rsetup: {i + 1}/{files} workbooks", end="", flush=True)
    print()
    desk.close()
    return db_path, out


def timed(fn, runs: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="keep the generated files here")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_merge_")) if args.keep is None else args.keep
    folder.mkdir(parents=True, exist_ok=True)
    try:
        db, files = build(folder, args.files)
        rows = 0
        with Desk.open(db) as desk:
            t_merge, previews = timed(lambda: X.preview_import(desk, files), args.runs)
            rows = sum(len(p.changes) + len(p.conflicts) + p.unchanged for p in previews)
            refused = [p.summary() for p in previews if p.refused]
            assert not refused, refused[:3]
            changes = sum(len(p.changes) for p in previews)
        print(
            f"merge (full preview) of {len(files)} workbooks, {rows} fields, {changes} changes: "
            f"{t_merge:.3f} s (goal <= 1.5 s)"
        )
        try:
            import pandas as pd
        except ImportError:
            print("pandas is not installed (pip install -e .[bench]): comparison skipped")
        else:
            t_pd, frame = timed(
                lambda: pd.concat(
                    [pd.read_excel(f, sheet_name="入力", engine="openpyxl") for f in files]
                ),
                args.runs,
            )
            print(
                f"pandas.read_excel (openpyxl engine, its default) + concat of the same files: {t_pd:.3f} s "
                f"({len(frame)} rows) -> merge is {t_pd / t_merge:.1f}x faster (goal >= 5x)"
            )
        plain = folder / "plain.sqlite3"
        with Desk.open(plain) as desk:
            desk.set_role(secretariat=True)
            times = []
            for i in range(args.runs):
                t = time.perf_counter()
                X.export_workbook(desk, folder / f"master_{i}.xlsx")
                times.append(time.perf_counter() - t)
        print(
            f"export of the master workbook (90 measures, 360 入力 rows, 90 取組管理票): "
            f"best {min(times):.3f} s, median {statistics.median(times):.3f} s (goal <= 1.5 s)"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
