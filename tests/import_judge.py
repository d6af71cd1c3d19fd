"""Judge returned workbooks in a CHILD process with an address-space limit and a timeout.

A reader that aborts (an allocation failure in native code cannot be caught) or runs away
then fails the test that started it instead of killing pytest. `judge(db, cases)` copies
nothing: the child opens the given database, and for every case id and file:

* previews it (`preview_import`), timing it; the whole database (every table, every row)
  must be byte-for-byte the same afterwards: a preview writes nothing;
* when the preview is clean (no error, no refusal) and `apply` is set, applies it with the
  open conflicts left unresolved, then checks `PRAGMA integrity_check` and
  `foreign_key_check`; a refused apply must leave the database unchanged too.

It reports one JSON line per case: {"case", "error_kind", "error", "refused", "applied",
"seconds", "problems": [...]} and, at the end, the child's peak RSS. A case the child died
in is reported by the parent as {"case", "crashed": <exit status and stderr tail>}.

Run as a module by the parent; run directly it is the child.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDRESS_SPACE = 1536 * 1024 * 1024  # RLIMIT_AS of the child: 1.5 GB
PEAK_RSS = 1024 * 1024 * 1024  # what a file may cost: 1 GB
SECONDS_PER_FILE = 10.0


def judge(
    db: Path, cases: list[tuple[str, Path]], *, apply: bool = True, timeout: float = 600
) -> tuple[list[dict], int]:
    """(one result per case, the child's peak RSS in bytes)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    job = json.dumps({"db": str(db), "apply": apply, "cases": [[c, str(p)] for c, p in cases]})
    proc = subprocess.run(
        [sys.executable, str(Path(__file__))],
        input=job,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
        preexec_fn=limit,
    )
    results: list[dict] = []
    started = None
    peak = 0
    for line in proc.stdout.splitlines():
        msg = json.loads(line)
        if "start" in msg:
            started = msg["start"]
        elif "peak_rss" in msg:
            peak = msg["peak_rss"]
        else:
            results.append(msg)
            started = None
    if proc.returncode != 0 or started is not None:
        results.append(
            {"case": started, "crashed": f"exit {proc.returncode}: {proc.stderr[-2000:]}"}
        )
    return results, peak


def _dump(db: Path) -> list:
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        return [(t, con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()) for t in tables]
    finally:
        con.close()


def _integrity(db: Path) -> list[str]:
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        problems = []
        ok = con.execute("PRAGMA integrity_check").fetchall()
        if ok != [("ok",)]:
            problems.append(f"integrity_check: {ok[:5]}")
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"foreign_key_check: {fk[:5]}")
        return problems
    finally:
        con.close()


def _child() -> None:
    import time

    from kanazawa_desktop.domain.errors import DeskError
    from kanazawa_desktop.services import exchange as X
    from kanazawa_desktop.services.desk import Desk

    job = json.loads(sys.stdin.read())
    db = Path(job["db"])
    with Desk.open(db) as desk:
        for case, path in job["cases"]:
            print(json.dumps({"start": case}), flush=True)
            problems: list[str] = []
            before = _dump(db)
            t = time.perf_counter()
            try:
                [pv] = X.preview_import(desk, [Path(path)])
            except Exception as exc:  # noqa: BLE001 - reported, this is what the test looks for
                import traceback

                print(
                    json.dumps(
                        {
                            "case": case,
                            "problems": [
                                f"preview raised {type(exc).__name__}: {exc}\n{traceback.format_exc()[-1500:]}"
                            ],
                        }
                    ),
                    flush=True,
                )
                continue
            seconds = time.perf_counter() - t
            if seconds > SECONDS_PER_FILE:
                problems.append(f"judged in {seconds:.1f} s")
            if _dump(db) != before:
                problems.append("the preview changed the database")
            applied = False
            if job["apply"] and not pv.error and not pv.refused and not pv.already:
                try:
                    X.apply_import(desk, pv)
                    applied = True
                except DeskError:
                    if _dump(db) != before:
                        problems.append("a refused apply changed the database")
                except Exception as exc:  # noqa: BLE001
                    problems.append(f"apply raised {type(exc).__name__}: {exc}")
                problems += _integrity(db)
            elif pv.error or pv.refused:
                try:
                    X.apply_import(desk, pv)
                    problems.append("a refused file was applied")
                except DeskError:
                    pass
                if _dump(db) != before:
                    problems.append("a refused file changed the database")
            print(
                json.dumps(
                    {
                        "case": case,
                        "error_kind": pv.error_kind,
                        "error": pv.error,
                        "refused": bool(pv.error or pv.refused),
                        "applied": applied,
                        "seconds": round(seconds, 3),
                        "problems": problems,
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )
    print(json.dumps({"peak_rss": _peak_rss()}), flush=True)


def _peak_rss() -> int:
    """This process's own peak RSS in bytes. (Not ru_maxrss: Linux carries the parent's
    peak over fork and exec into it, so a large pytest would be counted here.)"""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


if __name__ == "__main__":
    _child()
