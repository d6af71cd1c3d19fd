"""A real full disk (a small tmpfs mounted for the test; skipped where mounting is not allowed):
every command says so in Japanese, changes nothing, and init leaves no file behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import REPO
from exchange_helpers import fill

from kanazawa_desktop.cli import main
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import Desk

FULL = "ディスクの空き容量が不足"


def fill_disk(folder: Path, leave: int = 0) -> Path:
    """Take the free space of `folder`'s file system, leaving about `leave` bytes."""
    import shutil

    filler = folder / "filler"
    with open(filler, "wb") as fh:
        free = shutil.disk_usage(folder).free - leave
        chunk = b"\0" * 65536
        try:
            while free > 0:
                fh.write(chunk[: min(len(chunk), free)])
                free -= len(chunk)
            fh.flush()
        except OSError:
            pass
    return filler


def cli(capsys, *argv) -> tuple[int, str]:
    rc = main([str(a) for a in argv])
    return rc, capsys.readouterr().err


def test_init_on_a_full_disk_leaves_no_file(capsys, tmp_path, mounted):
    disk = mounted(tmp_path / "disk", "size=1m")
    fill_disk(disk)
    rc, err = cli(capsys, "--db", disk / "new.sqlite3", "init", "--secretariat")
    assert rc == 1 and FULL in err and err.count("\n") == 1
    assert sorted(p.name for p in disk.iterdir()) == ["filler"]


@pytest.fixture
def db_on_small_disk(tmp_path, mounted):
    disk = mounted(tmp_path / "disk", "size=8m")
    db = disk / "db.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
        issued = X.export_workbook(d, tmp_path / "jinji.xlsx", "人事課").path
    fill(issued, {("No.7", "R5", "result"): "あ" * 30000, ("No.10", "R5", "result"): "い" * 30000})
    return db, issued


def _results(db: Path) -> tuple[str, str]:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return tuple(
            r[0]
            for r in con.execute(
                "SELECT y.result_text FROM measure_year y JOIN measure m ON m.id = y.measure_id "
                "WHERE m.number IN (7, 10) AND y.fy = 2023 ORDER BY m.number"
            )
        )
    finally:
        con.close()


def test_import_on_a_full_disk_is_worded_and_changes_nothing(capsys, db_on_small_disk):
    db, issued = db_on_small_disk
    filler = fill_disk(db.parent, leave=200_000)  # room to open, not to write the import
    rc, err = cli(capsys, "--db", db, "import", issued)
    assert rc == 1 and FULL in err
    assert "rollback" not in err and "Traceback" not in err
    filler.unlink()
    assert _results(db) == ("", "")
    rc, _err = cli(capsys, "--db", db, "import", issued)  # with room again it goes through
    assert rc == 0 and _results(db) == ("あ" * 30000, "い" * 30000)


def test_no_space_at_all_is_not_called_corrupt(capsys, db_on_small_disk):
    db, issued = db_on_small_disk
    before = db.read_bytes()
    filler = fill_disk(db.parent)
    for cmd in (["status"], ["import", issued], ["export", db.parent.parent / "m.xlsx"]):
        rc, err = cli(capsys, "--db", db, *cmd)
        assert rc == 1 and FULL in err and "破損" not in err, (cmd, err)
    filler.unlink()
    assert db.read_bytes() == before
    rc, _err = cli(capsys, "--db", db, "status")
    assert rc == 0


# The same without root: a child process with a file-size limit (ulimit -f; SIGXFSZ ignored,
# so writes past it fail with EFBIG as on a full disk). Runs everywhere on POSIX.


def run_limited(limit: int, *argv) -> tuple[int, str]:
    import os
    import signal
    import subprocess
    import sys

    resource = pytest.importorskip("resource", reason="file-size limits need POSIX")

    def limit_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    r = subprocess.run(
        [sys.executable, "-m", "kanazawa_desktop", *map(str, argv)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_size,
        env=env,
        cwd=REPO,
    )
    return r.returncode, r.stderr


def test_init_past_a_file_size_limit_leaves_no_file(tmp_path):
    rc, err = run_limited(50_001, "--db", tmp_path / "new.sqlite3", "init", "--secretariat")
    assert rc == 1 and FULL in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_import_past_a_file_size_limit_changes_nothing(tmp_path):
    db = tmp_path / "db.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
        issued = X.export_workbook(d, tmp_path / "jinji.xlsx", "人事課").path
    fill(issued, {("No.7", "R5", "result"): "あ" * 30000, ("No.10", "R5", "result"): "い" * 30000})
    rc, err = run_limited(100_001, "--db", db, "import", issued)
    assert rc == 1 and FULL in err and "rollback" not in err and "Traceback" not in err
    assert _results(db) == ("", "")
