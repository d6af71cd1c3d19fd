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
