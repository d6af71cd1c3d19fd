"""Benchmark: what the raw-SQL audit (store/pg_audit) costs a department's save on a server.

    .venv/bin/python -m bench.bench_audit [--size 2000] [--saves 40] [--history 0,50000]

A city database (read-only; copied, migrated, moved onto a throwaway cluster with copy-from),
a department login made with user add; then one person saves one field of their measures
`--saves` times (Desk.save from call to return), with the audit's triggers enabled and
disabled, for each history size (`--history`: change batches of the secretariat added first,
as years of use leave them). Prints a Markdown table of medians; not a test.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

CITY = Path("/work/city")
PASSWORD = "password123"


def _owner_sql(server, sql: str) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    with psycopg.connect(
        host=server.host, port=server.port, dbname=server.dbname, user=server.user,
        autocommit=True, connect_timeout=10,
    ) as con:  # fmt: skip
        con.execute(sql)


def _grow_history(server, batches: int) -> None:  # type: ignore[no-untyped-def]
    _owner_sql(
        server,
        'INSERT INTO change_batch ("at", "user", "role", source, description)'
        " SELECT '2025-01-01T00:00:00+09:00', 'sec', 'secretariat', 'import', 'old'"
        f" FROM generate_series(1, {batches}); ANALYZE change_batch",
    )


def _saves(server, login: str, department: str, saves: int) -> float:  # type: ignore[no-untyped-def]
    from kanazawa_desktop.services.desk import Desk

    with Desk.open(server.as_user(login, PASSWORD)) as desk:
        ids = [m.id for m in desk.measures() if department in m.departments][:10]
        times = []
        for i in range(saves):
            t0 = time.perf_counter()
            desk.save(ids[i % len(ids)], {(2024, "result_text"): f"save {uuid.uuid4().hex}"})
            times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    import pg_cluster

    from kanazawa_desktop.domain.location import parse_server
    from kanazawa_desktop.services.desk import Desk
    from kanazawa_desktop.services.server_copy import copy_from
    from kanazawa_desktop.services.server_users import add_user

    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--saves", type=int, default=40)
    ap.add_argument("--history", default="0,50000")
    args = ap.parse_args(argv)
    cluster = pg_cluster.start_cluster()
    work = Path(tempfile.mkdtemp(prefix="kd-bench-audit-"))
    try:
        local = work / "city.sqlite3"
        src = sqlite3.connect(f"file:{CITY / f'city_{args.size}.sqlite3'}?mode=ro", uri=True)
        dst = sqlite3.connect(local)
        src.backup(dst)
        dst.close()
        src.close()
        with Desk.open(local) as d:  # migrated to this app's schema
            department = next(m.departments[0] for m in d.measures() if m.departments)
        server = parse_server(cluster.create_database(f"audit_{uuid.uuid4().hex[:6]}"))
        copy_from(local, server)
        login = f"dept_{server.dbname}"
        with Desk.open(server) as owner:
            add_user(owner, login, PASSWORD, department)
        print(f"{args.size:,} measures, {department}, {args.saves} saves each (median)")
        print("| history batches added | audit on | audit off |")
        print("|---|---|---|")
        added = 0
        for n in [int(x) for x in args.history.split(",") if x]:
            if n > added:
                _grow_history(server, n - added)
                added = n
            on = _saves(server, login, department, args.saves)
            for t in ("measure_year", "indicator_value"):
                _owner_sql(server, f"ALTER TABLE {t} DISABLE TRIGGER kd_audit")
            off = _saves(server, login, department, args.saves)
            for t in ("measure_year", "indicator_value"):
                _owner_sql(server, f"ALTER TABLE {t} ENABLE TRIGGER kd_audit")
            print(f"| {n:,} | {on:.1f} ms | {off:.1f} ms |", flush=True)
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
