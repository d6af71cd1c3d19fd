"""Benchmark: the app at city scale (92, 2,000, 20,000 measures), window and command line.

    .venv/bin/python bench/bench_scale.py [--sizes 92,2000,20000] [--runs 3] [--keep DIR]
                                          [--timeout 900] [--setup-timeout 3600] [--reuse-results]

For each size a secretariat database is made with bench/make_city.py (100 departments, seed 1;
with --keep it is DIR/city_<N>.sqlite3 and reused when present, and never written to: every
step works on a copy). Then, median of --runs:

Window (a child process, offscreen, as bench_startup.py): cold start to the painted window
(timed from before the child is spawned); switching measures (open_measure + repaint of the
sheet, 50 measures spread across the plan); saving one field (実施結果 typed into the form,
then the window's Ctrl+S path, MainWindow.save_now, timed until the events are processed, so
the refresh of the lists that follows a save is included; 5 measures); one search keystroke
(once the search index, built on a worker thread after the paint, is ready — the time from
the paint until then is reported too; the search box's text set to each prefix of a word, then the filtering the window runs once
typing pauses for 200 ms, until the filtered tree is repainted: the work the GUI thread does,
without the pause) and clearing it; a 担当課 filter
change (to the department below, and back to all); the window's peak RSS.

Whole processes (`python -m kanazawa_desktop`, wall time, peak RSS from wait4): export of
the master workbook; export of one department's part (the department whose share of the
measures is closest to 1 %); merge, `import --dry-run` of 100 department returns in one
command (each department's part exported and a quarter of its 入力 rows filled with openpyxl
as a department would; set up once, kept with --keep in DIR/returns_<N>/); print of every
sheet (`print OUT.pdf`), with pages/s.

Each step gets --timeout seconds (the window child 3x that for all its steps); a step that
takes longer is stopped and reported as "> T s (stopped)". Making the returns (not timed) gets
--setup-timeout seconds; past that the merge is reported as not measured, and a later run with
the same --keep resumes making them. Prints progress on stderr and a Markdown table on stdout (also written to
DIR/bench_scale.md with --keep; each size's figures also go to DIR/result_<N>.json, and
--reuse-results takes them from there, so sizes measured by separate runs make one table).
Not a test.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PY = sys.executable
FILES = 100  # department returns merged in one import
SAVES = 5
SWITCHES = 50
SEARCH_WORD = "窓口業務"  # a topic make_city uses: found in names and texts

WINDOW_CHILD = r"""
import os, resource, statistics, sys, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication
from kanazawa_desktop.app import start

db, ini, dept, word, switches, saves = (Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4],
                                        int(sys.argv[5]), int(sys.argv[6]))

def metric(name, value):
    print(f"METRIC {name} {value:.6f}", flush=True)

def rss():
    metric("rss_mib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

def step(name):
    print(f"STEP {name}", flush=True)

app, win = start(db, QSettings(ini, QSettings.Format.IniFormat))
marks = {}
if hasattr(win, "search_prep"):  # the search index is built on a worker after the paint
    win.search_prep.ready.connect(lambda: marks.setdefault("ready", time.time()))

class Painted(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, painted)  # after the paint completes
            obj.removeEventFilter(self)
        return False

def painted():
    marks["painted"] = time.time()
    print(f"PAINTED {marks['painted']:.6f}", flush=True)
    app.quit()

f = Painted()
win.form.widget().installEventFilter(f)  # the sheet page, painted last
win.resize(1500, 950)
win.show()
app.exec()
rss()

def idle(*widgets):
    for w in widgets:
        w.repaint()
    QApplication.processEvents()

sheet, tree = win.form.widget(), win.tree.viewport()

step("switch")
ids = list(win._visible_ids)
picks = [ids[(i * len(ids)) // switches] for i in range(switches)]
times = []
for mid in picks:
    if mid == win.current_id:
        continue
    t = time.perf_counter()
    win.open_measure(mid)
    idle(sheet)
    times.append(time.perf_counter() - t)
metric("switch", statistics.median(times))
metric("switch_p95", sorted(times)[int(0.95 * (len(times) - 1))])
rss()

step("save")
fy = win.desk.plan.years[0]
editable = [m for m in picks if not win.desk.measure(m).is_repeat]
times = []
for i, mid in enumerate(editable[1:saves + 1]):
    win.open_measure(mid)
    idle(sheet)
    edit = win.form.editors[(fy, "result_text")].edit
    edit.setPlainText(edit.toPlainText() + f"（追記{i}）")  # as typed: the draft timer starts
    t = time.perf_counter()
    win.save_now()
    idle(sheet, tree)
    times.append(time.perf_counter() - t)
    assert win.desk.measure(mid).year(fy).result_text.endswith(f"（追記{i}）"), "not saved"
metric("save", statistics.median(times))
rss()

step("search")
t = time.perf_counter()
since = marks.get("painted", 0.0)
if hasattr(win, "search_prep"):
    if not win.search_prep.running and not win.desk.search_ready():
        since = time.time()  # app.quit() above closed the window, which cancelled it: again
    win.search_prep.start()
while hasattr(win.desk, "search_ready") and not win.desk.search_ready() and time.perf_counter() - t < 300:
    QApplication.processEvents()  # the worker's answer comes through the event loop
    time.sleep(0.01)
if "ready" in marks:
    metric("search_index", marks["ready"] - since)
box = win.filters.search
times = []
for k in range(1, len(word) + 1):
    t = time.perf_counter()
    box.setText(word[:k])
    if hasattr(win.filters, "flush"):
        win.filters.flush()  # the filtering that runs once typing pauses, timed without the pause
    idle(tree)
    times.append(time.perf_counter() - t)
metric("search", statistics.median(times))
metric("search_hits", len(win._visible_ids))
t = time.perf_counter()
box.setText("")
if hasattr(win.filters, "flush"):
    win.filters.flush()
idle(tree)
metric("search_clear", time.perf_counter() - t)
rss()

step("filter")
combo = win.filters.department
t = time.perf_counter()
combo.setCurrentIndex(combo.findData(dept))
idle(tree)
metric("filter_dept", time.perf_counter() - t)
t = time.perf_counter()
combo.setCurrentIndex(0)
idle(tree)
metric("filter_all", time.perf_counter() - t)
rss()
print("DONE", flush=True)
os._exit(0)  # nothing unsaved: skip the teardown of a large window
"""


@dataclass
class Cell:
    """One measured quantity at one size: values over runs, or why there are none."""

    values: list[float] = field(default_factory=list)
    stopped: float | None = None  # the timeout, when the step was stopped
    note: str = ""

    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None


def log(msg: str) -> None:
    sys.stderr.write(f"[{datetime.now():%H:%M:%S}] {msg}\n")
    sys.stderr.flush()


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def copy_db(src: Path, dst: Path) -> None:
    """A consistent copy (SQLite's backup API), without -wal/-shm leftovers of an older copy."""
    for p in (dst, Path(f"{dst}-wal"), Path(f"{dst}-shm")):
        p.unlink(missing_ok=True)
    with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    b.close()
    a.close()


def make_city(n: int, path: Path, timeout: float) -> None:
    if path.exists():
        log(f"reusing {path}")
        return
    log(f"make_city --measures {n} ...")
    tmp = path.with_name(path.name + ".part")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    out = subprocess.run(
        [PY, str(ROOT / "bench" / "make_city.py"), "--measures", str(n), "--out", str(tmp)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise SystemExit(f"make_city failed: {out.stderr.strip()[-500:]}")
    log(out.stdout.strip())
    copy_db(tmp, path)  # one self-contained file (no -wal beside it), renamed into place complete
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)


def run_cli(
    db: Path, args: list[str], timeout: float, logfile: Path
) -> tuple[float, float, int, bool]:
    """Run the command line on `db`: (wall s, peak RSS MiB, exit code, stopped)."""
    with open(logfile, "w", encoding="utf-8") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [PY, "-m", "kanazawa_desktop", "--db", str(db), *args],
            stdout=fh,
            stderr=subprocess.STDOUT,
            env=child_env(),
            cwd=ROOT,
        )
        stopped = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                stopped = True
                break
            time.sleep(0.01)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode, stopped


def window_run(
    db: Path, ini: Path, dept: str, timeout: float
) -> tuple[dict[str, float], str | None, str]:
    """One window child: its metrics, the step it was stopped in (or None), stderr's tail."""
    t0 = time.time()
    proc = subprocess.Popen(
        [PY, "-c", WINDOW_CHILD, str(db), str(ini), dept, SEARCH_WORD, str(SWITCHES), str(SAVES)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
        cwd=ROOT,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        stopped = None
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        stopped = "start"
    metrics: dict[str, float] = {}
    for line in out.splitlines():
        parts = line.split()
        if parts[:1] == ["PAINTED"]:
            metrics["cold"] = float(parts[1]) - t0
        elif parts[:1] == ["METRIC"]:
            metrics[parts[1]] = float(parts[2])
        elif parts[:1] == ["STEP"] and stopped is not None:
            stopped = parts[1]
    if stopped is None and "DONE" not in out:
        stopped = "crashed"
    return metrics, stopped, err.strip()[-800:]


def department_near_one_percent(db: Path) -> tuple[str, int, int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        total = con.execute("SELECT count(*) FROM measure").fetchone()[0]
        counts = con.execute(
            "SELECT d.name, count(*) FROM measure_department md JOIN department d "
            "ON d.id = md.department_id GROUP BY d.id ORDER BY d.position"
        ).fetchall()
    con.close()
    name, count = min(counts, key=lambda nc: (abs(nc[1] - total / 100), nc[0]))
    return name, count, total


class SetupStopped(Exception):
    pass


def make_returns(city: Path, folder: Path, budget: float) -> tuple[Path, list[Path]]:
    """Every department's part exported from a copy of `city` and a quarter of its rows filled.

    Resumable: the copy (which holds the register of the issued workbooks) is made once, each
    finished file is renamed into place, and a later call makes only the missing ones. Raises
    SetupStopped when `budget` seconds are spent before all are made.
    """
    ready = folder / "READY"
    db = folder / "returns.sqlite3"
    if ready.exists():
        files = [folder / name for name in ready.read_text(encoding="utf-8").split()]
        log(f"reusing {len(files)} returns in {folder}")
        return db, files
    import openpyxl

    from kanazawa_desktop.services import exchange as X
    from kanazawa_desktop.services.desk import Desk

    folder.mkdir(parents=True, exist_ok=True)
    if not db.exists():
        copy_db(city, db)
    files = []
    t0 = time.perf_counter()
    with Desk.open(db) as desk:
        for i, dept in enumerate(desk.departments()[:FILES]):
            final = folder / f"return_{i:03d}.xlsx"
            files.append(final)
            if final.exists():
                continue
            if time.perf_counter() - t0 > budget:
                raise SetupStopped(
                    f"{sum(f.exists() for f in files) - 1}/{FILES} returns made in "
                    f"{budget:.0f} s; run again with --keep to resume"
                )
            path = X.export_workbook(desk, folder / f"part_{i:03d}.xlsx", dept).path
            wb = openpyxl.load_workbook(path)
            ws = wb["入力"]
            for r in range(2, ws.max_row + 1, 4):  # a quarter of the rows, as bench_merge.py
                result, status, actual = ws.cell(r, 6), ws.cell(r, 7), ws.cell(r, 9)
                if result.protection.locked is not False:
                    continue  # a 【再掲】 row: nothing to fill in
                result.value = f"{dept} の実施結果 行{r}\n・詳細"
                result.data_type = "s"
                status.value = "達成" if r % 8 else "未達成"
                if actual.protection.locked is False:
                    actual.value = r * 1.5
            wb.save(path)
            wb.close()
            os.replace(path, final)
            if (i + 1) % 10 == 0:
                log(f"  returns: {i + 1}/{FILES} ({time.perf_counter() - t0:.0f} s)")
    ready.write_text("\n".join(p.name for p in files), encoding="utf-8")
    return db, files


METRICS = [  # key, label, kind
    ("cold", "window: cold start to painted window", "s"),
    ("switch", f"window: switch measure (open + repaint; median of {SWITCHES})", "s"),
    ("switch_p95", "window: switch measure, p95", "s"),
    ("save", f"window: save one field (実施結果, Ctrl+S, until idle; median of {SAVES})", "s"),
    (
        "search_index",
        "window: search index ready, after the paint or (re)start (worker thread)",
        "s",
    ),
    ("search", f"window: search keystroke (「{SEARCH_WORD}」 typed, median per key)", "s"),
    ("search_clear", "window: search box cleared (full tree back)", "s"),
    ("filter_dept", "window: 担当課 filter → one department", "s"),
    ("filter_all", "window: 担当課 filter → すべての担当課", "s"),
    ("rss_mib", "window: peak RSS", "MiB"),
    ("export_master", "CLI export master workbook", "s"),
    ("export_master_rss", "CLI export master: peak RSS", "MiB"),
    ("export_dept", "CLI export one department (~1 %)", "s"),
    ("export_dept_rss", "CLI export one department: peak RSS", "MiB"),
    ("merge", f"CLI import --dry-run of {FILES} returns", "s"),
    ("merge_rss", "CLI import --dry-run: peak RSS", "MiB"),
    ("print", "CLI print all sheets (PDF)", "s"),
    ("print_pps", "CLI print: pages/s", "/s"),
    ("print_rss", "CLI print: peak RSS", "MiB"),
]
WINDOW_STEPS = {
    "start": [
        "cold",
        "switch",
        "switch_p95",
        "save",
        "search_index",
        "search",
        "search_clear",
        "filter_dept",
        "filter_all",
        "rss_mib",
    ],
    "switch": [
        "switch",
        "switch_p95",
        "save",
        "search_index",
        "search",
        "search_clear",
        "filter_dept",
        "filter_all",
    ],
    "save": ["save", "search_index", "search", "search_clear", "filter_dept", "filter_all"],
    "search": ["search_index", "search", "search_clear", "filter_dept", "filter_all"],
    "filter": ["filter_dept", "filter_all"],
}


def bench_size(
    n: int, keep: Path, runs: int, timeout: float, setup_timeout: float
) -> tuple[dict[str, Cell], list[str]]:
    cells: dict[str, Cell] = {k: Cell() for k, _, _ in METRICS}
    notes: list[str] = []
    city = keep / f"city_{n}.sqlite3"
    make_city(n, city, timeout=max(timeout, 3600))
    work = keep / f"run_{n}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "city.sqlite3"
    copy_db(city, db)
    dept, dept_count, total = department_near_one_percent(db)
    notes.append(f"{n}: {total} rows; one department = {dept} ({dept_count} measures)")

    for r in range(runs):
        log(f"{n}: window run {r + 1}/{runs}")
        metrics, stopped, err = window_run(db, work / f"w{r}.ini", dept, timeout * 3)
        for key, value in metrics.items():
            if key in cells:
                cells[key].values.append(value)
        if stopped:
            for key in WINDOW_STEPS.get(stopped, []):
                cells[key].stopped = timeout * 3
            notes.append(
                f"{n}: window stopped in step {stopped} (child budget {timeout * 3:.0f} s) {err[-200:]}"
            )
        if "search_hits" in metrics and r == 0:
            notes.append(
                f"{n}: search 「{SEARCH_WORD}」 shows {metrics['search_hits']:.0f} measures"
            )

    def cli(key: str, target: Path, args: list[str], label: str) -> str:
        for r in range(runs):
            log(f"{n}: {label} run {r + 1}/{runs}")
            logfile = work / f"{key}_{r}.log"
            wall, rss, rc, stopped = run_cli(target, args, timeout, logfile)
            if stopped:
                cells[key].stopped = timeout
                cells[key + "_rss"].values.append(rss)  # what it had reached when stopped
                cells[key + "_rss"].note = "when stopped"
                return ""
            output = logfile.read_text(encoding="utf-8", errors="replace")
            if rc not in (0, 3):  # 3: conflicts left for the person (import)
                cells[key].note = f"exit {rc}"
                notes.append(f"{n}: {label} exit {rc}: {output.strip()[-300:]}")
            cells[key].values.append(wall)
            cells[key + "_rss"].values.append(rss)
        return output

    cli("export_master", db, ["export", str(work / "master.xlsx")], "export master")
    cli(
        "export_dept",
        db,
        ["export", str(work / "dept.xlsx"), "--department", dept],
        "export department",
    )
    out = cli("print", db, ["print", str(work / "all.pdf")], "print")
    pages = re.search(r"(\d+) ページ", out)
    if pages:
        for wall in cells["print"].values:
            cells["print_pps"].values.append(int(pages.group(1)) / wall)
        notes.append(f"{n}: print: {pages.group(1)} pages")
    elif cells["print"].stopped:
        cells["print_pps"].stopped = timeout

    log(f"{n}: setting up {FILES} department returns (not timed)")
    t = time.perf_counter()
    try:
        returns_db, files = make_returns(city, keep / f"returns_{n}", setup_timeout)
    except SetupStopped as exc:
        cells["merge"].note = cells["merge_rss"].note = "not measured: returns not ready"
        notes.append(f"{n}: returns setup stopped: {exc}")
        return cells, notes
    notes.append(f"{n}: returns set up in {time.perf_counter() - t:.0f} s (not timed)")
    merge_db = work / "merge.sqlite3"
    copy_db(returns_db, merge_db)  # the returns' register of issued workbooks, unchanged by runs
    out = cli("merge", merge_db, ["import", "--dry-run", *map(str, files)], "import --dry-run")
    if out:
        refused = out.count("取り込めません")
        notes.append(f"{n}: import --dry-run: {len(files)} files, {refused} refused")
    return cells, notes


def fmt(cell: Cell, kind: str) -> str:
    m = cell.median()
    if m is None:
        if cell.stopped and kind != "s":
            return f"— (stopped at {cell.stopped:.0f} s)"
        return f"> {cell.stopped:.0f} s (stopped)" if cell.stopped else (cell.note or "—")
    if kind == "MiB":
        text = f"{m:.0f} MiB"
    elif kind == "/s":
        text = f"{m:.0f}" if m >= 10 else f"{m:.1f}"
    else:
        text = f"{m * 1000:.1f} ms" if m < 1 else f"{m:.2f} s"
    if cell.stopped:
        text += f" (a run stopped at {cell.stopped:.0f} s)"
    return text + (f" ({cell.note})" if cell.note else "")


def growth(cells: list[Cell], sizes: list[int]) -> str:
    """Each step's factor and its power of N, e.g. ×8.1 (N^0.68)."""
    parts = []
    for i in range(len(sizes) - 1):
        (ma, na), (mb, nb) = (cells[i].median(), sizes[i]), (cells[i + 1].median(), sizes[i + 1])
        if ma and mb:
            parts.append(f"×{mb / ma:.1f} (N^{math.log(mb / ma) / math.log(nb / na):.2f})")
        else:
            parts.append("—")
    return "; ".join(parts)


def table(results: dict[int, dict[str, Cell]], sizes: list[int]) -> str:
    head = (
        "| what | "
        + " | ".join(f"{n:,}" for n in sizes)
        + " | growth ("
        + ", ".join(f"{a:,}→{b:,}" for a, b in zip(sizes, sizes[1:], strict=False))
        + ") |"
    )
    lines = [head, "|---" * (len(sizes) + 2) + "|"]
    for key, label, kind in METRICS:
        row = [fmt(results[n][key], kind) for n in sizes]
        lines.append(
            f"| {label} | "
            + " | ".join(row)
            + " | "
            + growth([results[n][key] for n in sizes], sizes)
            + " |"
        )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="92,2000,20000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--keep", type=Path, default=None, help="keep (and reuse) databases and returns here"
    )
    ap.add_argument(
        "--timeout", type=float, default=900, help="seconds per step (window: 3x, all its steps)"
    )
    ap.add_argument(
        "--setup-timeout",
        type=float,
        default=3600,
        help="seconds for making the 100 returns (resumable with --keep)",
    )
    ap.add_argument(
        "--reuse-results",
        action="store_true",
        help="take a size's figures from DIR/result_<N>.json when present (a table over "
        "sizes measured by separate runs)",
    )
    args = ap.parse_args()
    if args.reuse_results and args.keep is None:
        ap.error("--reuse-results needs --keep")
    sizes = [int(s) for s in args.sizes.split(",")]
    keep = Path(tempfile.mkdtemp(prefix="bench_scale_")) if args.keep is None else args.keep
    keep.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, Cell]] = {}
    notes: list[str] = []
    runs_of: dict[int, str] = {}
    started = datetime.now()
    try:
        for n in sizes:
            saved = keep / f"result_{n}.json"
            if args.reuse_results and saved.exists():
                data = json.loads(saved.read_text(encoding="utf-8"))
                results[n] = {k: Cell(**v) for k, v in data["cells"].items()}
                notes += data["notes"]
                runs_of[n] = (
                    f"{n:,}: {data['when']}, {data['runs']} run(s), step timeout {data['timeout']:.0f} s"
                )
                log(f"{n}: figures of {data['when']} reused")
                continue
            results[n], more = bench_size(n, keep, args.runs, args.timeout, args.setup_timeout)
            notes += more
            runs_of[n] = (
                f"{n:,}: {started:%Y-%m-%d %H:%M}, {args.runs} run(s), step timeout {args.timeout:.0f} s"
            )
            saved.write_text(
                json.dumps(
                    {
                        "when": f"{datetime.now():%Y-%m-%d %H:%M}",
                        "runs": args.runs,
                        "timeout": args.timeout,
                        "notes": more,
                        "cells": {k: vars(c) for k, c in results[n].items()},
                    },
                    ensure_ascii=False,
                    indent=1,
                ),
                encoding="utf-8",
            )
            log(f"{n}: done")
    finally:
        if args.keep is None:
            shutil.rmtree(keep, ignore_errors=True)
    report = (
        f"bench_scale.py, {os.cpu_count()} cores, Python {sys.version.split()[0]}; medians; "
        + "; ".join(runs_of[n] for n in sizes)
        + "\n\n"
        + table(results, sizes)
        + "\n\n"
        + "\n".join(f"- {n}" for n in notes)
        + "\n"
    )
    print(report)
    if args.keep is not None:
        (keep / "bench_scale.md").write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
