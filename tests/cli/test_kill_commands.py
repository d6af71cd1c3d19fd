"""Kill init, export, backup and import --undo at random moments (like test_kill_safety.py).

After each SIGKILL the database passes integrity_check and foreign_key_check and is either
before or after: init leaves no usable file (refused cleanly) or a complete database with
identity; an export or backup target is absent, the old file, or complete, and the next run
leaves no temporaries; an undo is either whole or not done.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from exchange_helpers import fill

from kanazawa_desktop.domain.errors import StoreError
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.backup import save_backup
from kanazawa_desktop.services.desk import Desk

HEAD = "import sys\nfrom pathlib import Path\nfrom kanazawa_desktop.services.desk import Desk\n"
INIT = HEAD + textwrap.dedent("""
    print("ready", flush=True)
    with Desk.open(Path(sys.argv[1]), create=True) as d:
        d.set_role(secretariat=True)
    print("done", flush=True)
""")
EXPORT = HEAD + textwrap.dedent("""
    from kanazawa_desktop.services import exchange as X
    d = Desk.open(Path(sys.argv[1]), create=False)
    print("ready", flush=True)
    while True:
        X.export_workbook(d, Path(sys.argv[2]) / "m.xlsx", "人事課")
""")
BACKUP = HEAD + textwrap.dedent("""
    from kanazawa_desktop.services.backup import save_backup
    d = Desk.open(Path(sys.argv[1]), create=False)
    print("ready", flush=True)
    while True:
        save_backup(d, Path(sys.argv[2]) / "b.sqlite3")
""")
UNDO = HEAD + textwrap.dedent("""
    from kanazawa_desktop.services import exchange as X
    d = Desk.open(Path(sys.argv[1]), create=False)
    print("ready", flush=True)
    X.undo_import(d, int(sys.argv[2]))
    print("done", flush=True)
""")


def _kill_at_random(script: str, args: list, rng: random.Random, most: float) -> None:
    p = subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert p.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0, most))
    finally:
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
        p.stdout.close()


def _healthy(db: Path) -> None:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


def _secretariat(tmp_path: Path) -> Path:
    db = tmp_path / "sec.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
    return db


def _no_temporaries(folder: Path, target: str) -> None:
    assert [p.name for p in folder.iterdir()] == [target]


def init_rounds(tmp_path: Path, rounds: int) -> None:
    rng = random.Random(8)
    outcomes = set()
    for i in range(rounds):
        db = tmp_path / f"init{i}.sqlite3"
        _kill_at_random(INIT, [db], rng, 0.6)
        try:
            with Desk.open(db, create=False) as d:
                assert len(d.database_uid) == 32
                assert len(d.rows(all_departments=True)) == 92
                outcomes.add("complete")
            _healthy(db)
        except StoreError as exc:
            assert "データベースファイルが" in exc.message, exc.message  # ありません / 空です
            outcomes.add("refused")
    assert outcomes  # both are fine; which one a round lands on is timing


def export_rounds(tmp_path: Path, rounds: int) -> None:
    db = _secretariat(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    rng = random.Random(9)
    for _ in range(rounds):
        _kill_at_random(EXPORT, [db, out], rng, 2.0)
        _healthy(db)
        target = out / "m.xlsx"
        if target.exists():  # complete, never half written
            with zipfile.ZipFile(target) as z:
                assert z.testzip() is None and "xl/workbook.xml" in z.namelist()
        with Desk.open(db, create=False) as d:
            X.export_workbook(d, target, "人事課")
        _no_temporaries(out, target.name)


def backup_rounds(tmp_path: Path, rounds: int) -> None:
    db = _secretariat(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    rng = random.Random(10)
    for _ in range(rounds):
        _kill_at_random(BACKUP, [db, out], rng, 1.0)
        _healthy(db)
        target = out / "b.sqlite3"
        if target.exists():
            _healthy(target)
            with Desk.open(target, create=False) as copy:
                assert len(copy.rows()) == 92
        with Desk.open(db, create=False) as d:
            save_backup(d, target)
        _no_temporaries(out, target.name)


def undo_rounds(tmp_path: Path, rounds: int) -> None:
    base = _secretariat(tmp_path)
    with Desk.open(base) as d:
        issued = X.export_workbook(d, tmp_path / "jinji.xlsx", "人事課").path
        numbers = sorted(
            {
                m.number
                for m in d.measures()
                if "人事課" in m.departments and not m.is_repeat and not m.retired
            }
        )
        edits = {
            (f"No.{n}", yr, "result"): f"記入 {n} {yr}" for n in numbers for yr in ("R5", "R6")
        }
        fill(issued, edits)
        batch = X.apply_import(d, X.preview_import(d, [issued])[0]).batch_id
    rng = random.Random(11)
    for i in range(rounds):
        db = tmp_path / f"undo{i}.sqlite3"
        with Desk.open(base, create=False) as d:
            save_backup(d, db)
        _kill_at_random(UNDO, [db, batch], rng, 0.3)
        _healthy(db)
        con = sqlite3.connect(db)
        texts = [
            r[0]
            for r in con.execute(
                "SELECT y.result_text FROM measure_year y JOIN measure m ON m.id = y.measure_id "
                f"WHERE m.number IN ({','.join(map(str, numbers))}) AND y.fy IN (2023, 2024) "
                "AND m.plan_id = (SELECT id FROM plan WHERE code = 'gyosei_keiei')"
            )
        ]
        con.close()
        assert len(texts) == len(edits)
        whole = all(t == "" for t in texts)
        assert whole or all(t.startswith("記入") for t in texts), "half an undo"
        db.unlink()


def test_killed_init_leaves_nothing_or_a_complete_database(tmp_path):
    init_rounds(tmp_path, 4)


def test_killed_export_leaves_the_old_or_a_complete_workbook(tmp_path):
    export_rounds(tmp_path, 3)


def test_killed_backup_leaves_the_old_or_a_complete_copy(tmp_path):
    backup_rounds(tmp_path, 3)


def test_killed_undo_is_whole_or_not_done(tmp_path):
    undo_rounds(tmp_path, 3)


@pytest.mark.slow
@pytest.mark.parametrize("rounds", [25])
def test_killed_commands_soak(tmp_path, rounds):
    for i, fn in enumerate((init_rounds, export_rounds, backup_rounds, undo_rounds)):
        folder = tmp_path / str(i)
        folder.mkdir()
        fn(folder, rounds)
    shutil.rmtree(tmp_path, ignore_errors=True)
