"""A throwaway PostgreSQL cluster for the tests and benchmarks: Debian's server binaries, a
temporary folder, a free port on 127.0.0.1, trust authentication for loopback only.

initdb and pg_ctl refuse to run as root, so as root the cluster is made and run as the
`postgres` user (Debian's package creates it). Every wait is bounded (pg_ctl -t).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT_S = 60


class NoServer(RuntimeError):
    """PostgreSQL's server programs are not installed here."""


def server_bin() -> Path:
    """The folder of initdb/pg_ctl: $PG_BIN, the newest /usr/lib/postgresql/N/bin, or PATH."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    root = Path("/usr/lib/postgresql")
    found = sorted(
        (p for p in root.glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise NoServer(
        "PostgreSQL server programs (initdb, pg_ctl) not found; run scripts/setup.sh --dev"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    folder: Path
    port: int
    bin: Path
    run_as: str | None  # "postgres" when started by root

    @property
    def admin_dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def dsn(self, dbname: str, user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *cmd: str, timeout: float = START_TIMEOUT_S) -> None:
        full = [str(self.bin / cmd[0]), *cmd[1:]]
        if self.run_as:
            full = ["runuser", "-u", self.run_as, "--", *full]
        subprocess.run(full, check=True, timeout=timeout, capture_output=True)

    def create_database(self, name: str) -> str:
        """A new empty database; its DSN as the superuser."""
        import psycopg

        with psycopg.connect(self.admin_dsn, autocommit=True, connect_timeout=10) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def halt(self) -> None:
        """Stop the server (every connection ends), keeping its data: start() brings it back."""
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")

    def start(self) -> None:
        opts = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.folder} -c fsync=off -c max_connections=120"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.folder / "data"),
            "-l",
            str(self.folder / "log"),
            "-o",
            opts,
            "-w",
            "-t",
            str(START_TIMEOUT_S),
            "start",
            timeout=START_TIMEOUT_S + 10,
        )

    def stop(self) -> None:
        try:
            self._run(
                "pg_ctl",
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "-w",
                "-t",
                "30",
                "stop",
                timeout=40,
            )
        except (subprocess.SubprocessError, OSError):
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """initdb + start on a free port; about a second. Raises NoServer when not installed."""
    bin_dir = server_bin()
    run_as = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="kd-pg-"))
    if run_as:
        pw = pwd.getpwnam(run_as)
        os.chown(folder, pw.pw_uid, pw.pw_gid)
    cluster = Cluster(folder, _free_port(), bin_dir, run_as)
    data = folder / "data"
    try:
        cluster._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
