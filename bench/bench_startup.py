"""Benchmark: cold start to a painted, usable main window, and switching measures.

    .venv/bin/python bench/bench_startup.py [--runs 7]

Cold start is measured from before the child process is spawned (interpreter start and
imports included) until the main window has painted, on an existing database (the daily
case) and on a first start (database created and the plan loaded). Switching is the time
for open_measure() plus the repaint, over every measure of the secretariat's view.
Runs offscreen (QT_QPA_PLATFORM=offscreen) unless DISPLAY is set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import sys, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from kanazawa_desktop.app import start
db, ini = Path(sys.argv[1]), sys.argv[2]
app, win = start(db, QSettings(ini, QSettings.Format.IniFormat))

class Painted(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, done)  # after the paint completes
            obj.removeEventFilter(self)
        return False

def done():
    print(f"PAINTED {time.time():.6f}", flush=True)
    app.quit()

f = Painted()
win.form.widget().installEventFilter(f)  # the sheet page, painted last
win.show()
app.exec()
"""


def cold_start(db: Path, ini: str) -> float:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), ini],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("PAINTED"))
    return float(line.split()[1]) - t0


def switching() -> list[float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from kanazawa_desktop.app import start
    from kanazawa_desktop.services.desk import Desk

    tmp = Path(tempfile.mkdtemp())
    with Desk.open(tmp / "s.sqlite3") as d:
        d.set_role(secretariat=True)
    app, win = start(tmp / "s.sqlite3", QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    win.resize(1500, 950)
    win.show()
    QApplication.processEvents()
    ids = [r.id for r in win.desk.rows()]
    times = []
    for mid in ids[1:] + ids[:1]:
        t = time.perf_counter()
        win.open_measure(mid)
        win.form.widget().repaint()
        QApplication.processEvents()
        times.append(time.perf_counter() - t)
    win.close()
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    from kanazawa_desktop.services.desk import Desk

    tmp = Path(tempfile.mkdtemp())
    first = []
    for i in range(3):
        db = tmp / f"first{i}.sqlite3"
        with Desk.open(db) as d:  # role chosen, plan not yet opened by the window
            d.set_role(department="人事課")
        db.unlink()
        for suffix in ("-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    db = tmp / "daily.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
    cold_start(db, str(tmp / "warmup.ini"))  # warm the OS file cache once, as on a used PC
    runs = [cold_start(db, str(tmp / f"s{i}.ini")) for i in range(args.runs)]
    for i in range(3):
        fdb = tmp / f"new{i}.sqlite3"
        t0 = time.perf_counter()
        with Desk.open(fdb) as d:
            d.set_role(department="人事課")
        first.append(time.perf_counter() - t0)
    sw = switching()
    print(
        f"cold start to painted window (secretariat, 92 measures): median {statistics.median(runs):.3f} s, "
        f"min {min(runs):.3f} s, max {max(runs):.3f} s over {len(runs)} runs"
    )
    print(
        f"first start: create database and load the bundled plan: median {statistics.median(first) * 1000:.0f} ms"
    )
    q = statistics.quantiles(sw, n=20)
    print(
        f"switch measure (load form + repaint), {len(sw)} switches: median {statistics.median(sw) * 1000:.1f} ms, "
        f"p95 {q[18] * 1000:.1f} ms, max {max(sw) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
