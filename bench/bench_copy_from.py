"""Benchmark: `copy-from` of a secretariat's SQLite database into an empty server database.

    .venv/bin/python -m bench.bench_copy_from [FILE.sqlite3 ...] [--runs 1]

Each file (default: /work/city/city_2000.sqlite3 and city_20000.sqlite3, read-only) is first
copied to a temporary folder with SQLite's backup API (not timed); a throwaway PostgreSQL
cluster (tests/pg_cluster.py) gets a new database per run. Timed: services.server_copy
.copy_from as the command runs it (checks, schema, COPY of every table, sequences, roles, the
commit). Prints rows and the median seconds per file.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

DEFAULT = [Path("/work/city/city_2000.sqlite3"), Path("/work/city/city_20000.sqlite3")]


def _copy(src: Path, dst: Path) -> None:
    con = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    out = sqlite3.connect(dst)
    try:
        con.backup(out)
    finally:
        out.close()
        con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import pg_cluster

    from kanazawa_desktop.domain.location import parse_server
    from kanazawa_desktop.services.server_copy import copy_from

    cluster = pg_cluster.start_cluster()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for src in args.files:
                local = Path(tmp) / src.name
                _copy(src, local)
                times = []
                for _ in range(args.runs):
                    server = parse_server(cluster.create_database("b_" + uuid.uuid4().hex[:10]))
                    t0 = time.perf_counter()
                    result = copy_from(local, server)
                    times.append(time.perf_counter() - t0)
                biggest = sorted(result.tables, key=lambda t: -t[1])[:4]
                print(
                    f"{src.name}: {result.rows:,} rows in {len(result.tables)} tables, "
                    f"{local.stat().st_size / 1e6:.0f} MB; copy-from median of {args.runs}: "
                    f"{statistics.median(times):.1f} s  (largest: "
                    + ", ".join(f"{t} {n:,}" for t, n in biggest)
                    + ")",
                    flush=True,
                )
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
