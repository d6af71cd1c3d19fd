"""Benchmark: the shared PostgreSQL server against SQLite, on this machine.

    .venv/bin/python -m bench.bench_server [--clients 1,10,50] [--saves 20]
                                          [--sizes 2000,20000] [--runs 1]

1. Saves at once: N client processes (each its own Desk and connection, as N people) save
   one field of their own measure `--saves` times, together (a barrier per round). Timed
   per save: Desk.save from call to return (the round trip: read, SERIALIZABLE transaction,
   commit). Beside them one observer process waits on its listening socket (select, as the
   window's QSocketNotifier does) and stamps each 'batch:<id>' as it arrives: the refresh
   delay is arrival minus the moment the saver called save (the person pressing 保存 to
   another person's window knowing), on the same clock.
2. City scale: a city database (read-only; copied first) is moved onto a server
   database with copy-from (not timed here, see bench_copy_from), then the CLI times
   `export` of the master workbook and `import --dry-run` of the 100 returns in
   /work/city/returns_N, on the server and on the SQLite copy (of returns_N/returns.sqlite3,
   the city database the returns were exported from: its register of issued books).
A throwaway cluster (tests/pg_cluster.py, fsync off like the tests': the figures are the
app's and the protocol's, not the disk's). Prints a Markdown table; not a test.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import select
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

CITY = Path("/work/city")


def _saver(dsn: str, index: int, saves: int, barrier, out) -> None:  # type: ignore[no-untyped-def]
    from kanazawa_desktop.domain.location import parse_server
    from kanazawa_desktop.services.desk import Desk

    with Desk.open(parse_server(dsn), create=False) as desk:
        mid = desk.measures()[index % 90].id
        fy = 2023 + index // 90 % 4  # distinct (measure, year) per client: no conflicts
        times, done = [], []
        for r in range(saves):
            barrier.wait(timeout=120)
            t0, wall = time.perf_counter(), time.time()
            result = desk.save(mid, {(fy, "result_text"): f"client {index} round {r}"})
            times.append(time.perf_counter() - t0)
            done.append((result.batch_id, wall))  # the press of 保存, on the shared clock
        out.put((times, done))


def _observer(dsn: str, expected: int, out, ready) -> None:  # type: ignore[no-untyped-def]
    from kanazawa_desktop.domain.location import parse_server
    from kanazawa_desktop.services.desk import Desk

    with Desk.open(parse_server(dsn), create=False) as desk:
        fd = desk.server_socket()
        ready.set()
        seen: dict[int, float] = {}
        deadline = time.monotonic() + 300
        while len(seen) < expected and time.monotonic() < deadline:
            select.select([fd], [], [], 1.0)
            now = time.time()
            for p in desk.db.take_inbox():
                if p.startswith("batch:"):
                    seen.setdefault(int(p[6:]), now)
        out.put(seen)


def saves_at_once(dsn: str, clients: int, saves: int) -> dict[str, float]:
    ctx = mp.get_context("spawn")
    out, obs_out = ctx.Queue(), ctx.Queue()
    barrier, ready = ctx.Barrier(clients), ctx.Event()
    observer = ctx.Process(target=_observer, args=(dsn, clients * saves, obs_out, ready))
    observer.start()
    ready.wait(60)
    procs = [ctx.Process(target=_saver, args=(dsn, i, saves, barrier, out)) for i in range(clients)]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    seen = obs_out.get(timeout=600)
    for p in [*procs, observer]:
        p.join(60)
    times = sorted(t for r in results for t in r[0])
    delays = sorted(seen[b] - at for r in results for b, at in r[1] if b in seen)
    return {
        "save_median_ms": 1000 * statistics.median(times),
        "save_p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
        "delay_median_ms": 1000 * statistics.median(delays) if delays else float("nan"),
        "delay_p95_ms": 1000 * delays[int(0.95 * (len(delays) - 1))] if delays else float("nan"),
        "arrived": len(delays) / max(1, len(times)),
    }


def _cli(*args: str, timeout: float = 3600) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "kanazawa_desktop", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    if r.returncode not in (0, 3):
        raise RuntimeError(f"{args[2]} failed: {r.stderr.strip()[-300:]}")
    return time.perf_counter() - t0


def city(cluster, size: int, work: Path, runs: int) -> dict[str, tuple[float, float]]:
    from kanazawa_desktop.domain.location import parse_server
    from kanazawa_desktop.services.server_copy import copy_from

    # the database the returns were exported from: it holds their register of issued books
    src = CITY / f"returns_{size}" / "returns.sqlite3"
    local = work / f"city_{size}.sqlite3"
    con, dst = sqlite3.connect(f"file:{src}?mode=ro", uri=True), sqlite3.connect(local)
    con.backup(dst)
    dst.close()
    con.close()
    _cli("--db", str(local), "plans")  # opened once: migrated to this app's schema
    server = parse_server(cluster.create_database(f"city_{size}_{uuid.uuid4().hex[:6]}"))
    copy_from(local, server)
    returns = sorted(str(p) for p in (CITY / f"returns_{size}").glob("return_*.xlsx"))[:100]
    out: dict[str, tuple[float, float]] = {}
    for name, args in (
        ("export master", ("export", str(work / "master.xlsx"))),
        ("import --dry-run of 100 returns", ("import", "--dry-run", *returns)),
    ):
        sq = statistics.median(_cli("--db", str(local), *args) for _ in range(runs))
        pg = statistics.median(_cli("--db", server.display, *args) for _ in range(runs))
        out[name] = (sq, pg)
    return out


def main(argv: list[str] | None = None) -> int:
    import pg_cluster

    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", default="1,10,50")
    ap.add_argument("--saves", type=int, default=20)
    ap.add_argument("--sizes", default="2000,20000")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args(argv)
    cluster = pg_cluster.start_cluster()
    work = Path(tempfile.mkdtemp(prefix="kd-bench-server-"))
    try:
        from kanazawa_desktop.domain.location import parse_server
        from kanazawa_desktop.services.desk import Desk

        dsn = cluster.create_database("saves")
        with Desk.open(parse_server(dsn)) as desk:
            desk.set_role(secretariat=True)
        print("| clients | save: median | save: p95 | refresh delay: median | p95 | arrived |")
        print("|---|---|---|---|---|---|")
        for n in [int(x) for x in args.clients.split(",") if x]:
            r = saves_at_once(dsn, n, args.saves)
            print(
                f"| {n} | {r['save_median_ms']:.1f} ms | {r['save_p95_ms']:.1f} ms |"
                f" {r['delay_median_ms']:.1f} ms | {r['delay_p95_ms']:.1f} ms |"
                f" {100 * r['arrived']:.0f} % |",
                flush=True,
            )
        sizes = [int(x) for x in args.sizes.split(",") if x]
        if sizes:
            print("\n| measures | what | SQLite | server |")
            print("|---|---|---|---|")
        for size in sizes:
            for what, (sq, pg) in city(cluster, size, work, args.runs).items():
                print(f"| {size:,} | {what} | {sq:.2f} s | {pg:.2f} s |", flush=True)
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
