"""Kill the writer at random moments: the file is always either before or after each batch.

Like SQLite's own crash tests: a child process saves batches in a loop; the parent SIGKILLs
it at a random time; the database must pass integrity and foreign-key checks, and every field's
value must equal the newest value its history records (no half-applied batch).
"""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from proc_helpers import readline

from kanazawa_desktop.services.desk import Desk

WRITER = textwrap.dedent(r"""
    import sys
    from kanazawa_desktop.services.desk import Desk
    d = Desk.open(sys.argv[1])
    ids = [r.id for r in d.rows()][:10]
    i = 0
    print("ready", flush=True)
    while True:
        i += 1
        d.save(ids[i % 10], {(2023, "result_text"): f"batch {i} " + "あ" * (i % 300),
                             (2023, "status"): ["達成", "未達成", ""][i % 3],
                             (2024, "result_text"): f"batch {i} second field"})
""")


def _check_consistent(path):
    with Desk.open(path) as d:
        assert d.db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert d.db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
        batches = 0
        for r in d.rows()[:10]:
            m = d.measure(r.id)
            hist = d.history(r.id)
            latest = {}
            for h in reversed(hist):  # oldest first
                latest[(h.fy, h.field)] = h.new
            for (fy, field), new in latest.items():
                assert getattr(m.year(fy), field) == new
            batches += len({h.batch_id for h in hist})
            # the two result fields of a batch always land together
            per_batch = {}
            for h in hist:
                per_batch.setdefault(h.batch_id, set()).add((h.fy, h.field))
            both = {(2023, "result_text"), (2024, "result_text")}
            assert all(both <= f for f in per_batch.values())
        return batches


def _kill_rounds(tmp_path, rounds):
    db = tmp_path / "kill.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
    rng = random.Random(20261123)
    total = 0
    for _ in range(rounds):
        p = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True
        )
        assert readline(p.stdout, timeout=60).strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=60)
        total = _check_consistent(db)
    assert total > rounds  # the writer got work done between kills


def test_killed_writer_never_leaves_a_half_batch(tmp_path):
    _kill_rounds(tmp_path, 4)


@pytest.mark.slow
@pytest.mark.timeout(1200)  # 60 kill rounds on a loaded machine; the default is 300 s
def test_killed_writer_soak(tmp_path):
    _kill_rounds(tmp_path, 60)


# ---- killed while migrating: version 13 rebuilds the draft table --------------------------

MIGRATOR = textwrap.dedent(r"""
    import sys
    from kanazawa_desktop.services.desk import Desk
    print("ready", flush=True)
    sys.stdin.readline()
    Desk.open(sys.argv[1]).close()
    print("done", flush=True)
""")


def _v12_with_drafts(path, n_fields):
    """A version-12 file holding many drafts (the rebuild then takes long enough to be cut)."""
    import sqlite3

    from schema_helpers import draft_before_13

    with Desk.open(path) as desk:
        ids = [m.id for m in desk.measures()]
    con = sqlite3.connect(path)
    draft_before_13(con)
    rows = [
        (mid, 2024, f"f{i}", f"{mid}-{i} " + "入力" * 50, "2026-11-30T10:00:00")
        for mid in ids
        for i in range(n_fields)
    ]
    con.executemany("INSERT INTO draft VALUES (?, ?, ?, ?, ?)", rows)
    con.execute("UPDATE meta SET value = '12' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    return {(mid, fy, f, t) for mid, fy, f, t, _ in rows}


def _state(path):
    """(version, the draft rows, the draft table's columns), read with sqlite3 itself."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        version = int(
            con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        )
        rows = set(con.execute("SELECT measure_id, fy, field, text FROM draft"))
        columns = [r[1] for r in con.execute('PRAGMA table_info("draft")')]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()
    return version, rows, columns, tables


def test_killed_while_the_draft_table_is_rebuilt(tmp_path):
    """SIGKILL at random moments of the v12 -> v13 migration: the file is v12 as it was or v13
    complete, every draft kept either way, never a half-made or leftover table."""
    import shutil

    original = tmp_path / "v12.sqlite3"
    expected = _v12_with_drafts(original, 400)
    rng = random.Random(20261201)
    outcomes = set()
    for _ in range(6):
        db = tmp_path / "kill.sqlite3"
        for p in tmp_path.glob("kill.sqlite3*"):
            p.unlink()
        shutil.copy(original, db)
        p = subprocess.Popen(
            [sys.executable, "-c", MIGRATOR, str(db)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert readline(p.stdout, timeout=60).strip() == "ready"
        p.stdin.write("go\n")
        p.stdin.flush()
        time.sleep(rng.uniform(0.0, 1.0))
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=60)
        version, rows, columns, tables = _state(db)
        outcomes.add(version)
        assert version in (12, 13)
        assert rows == expected
        assert ("owner" in columns) == (version == 13)
        assert "draft_v13" not in tables
        with Desk.open(db) as desk:  # opened again: migrated, drafts all there
            assert sum(len(d) for d in desk.drafts().values()) == len(expected)
    assert 12 in outcomes  # some kills did land before the migration was done
