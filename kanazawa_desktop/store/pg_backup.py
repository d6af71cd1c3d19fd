"""A server database's backup: PostgreSQL's own pg_dump, in its custom format (restored with
pg_restore), written beside the target and moved into place only when pg_dump succeeded.

The SQLite file's backup API does not exist for a server; pg_dump takes a consistent
snapshot while others keep working. It must be installed on this PC (Debian:
postgresql-client; Windows: the PostgreSQL installer's command-line tools): when it is
missing, the message says so instead of failing obscurely.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ..domain.errors import StoreError
from ..domain.location import Server
from ..files import staging

DUMP_TIMEOUT_S = 3600  # a city's database dumps in seconds; an hour means something is wrong


def find_pg_dump() -> str | None:
    found = shutil.which("pg_dump")
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"), reverse=True)
    return str(versions[0]) if versions else None


def dump(server: Server, target: Path) -> None:
    program = find_pg_dump()
    if program is None:
        raise StoreError(
            "サーバーのバックアップには PostgreSQL の pg_dump が必要ですが、このPCに見つかりません。"
            "PostgreSQL のクライアント（コマンドラインツール）を入れてからやり直してください",
            reason="no_pg_dump",
        )
    staging.sweep(target.parent)
    tmp = staging.create_beside(target)
    env = dict(os.environ)
    if server.password:
        env["PGPASSWORD"] = server.password  # never on the command line, where ps shows it
    cmd = [
        program,
        "--format=custom",
        f"--file={tmp}",
        f"--host={server.host}",
        f"--port={server.port}",
        f"--username={server.user}",
        "--no-password",
        server.dbname,
    ]
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, timeout=DUMP_TIMEOUT_S)
        if done.returncode != 0:
            why = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise StoreError(
                f"サーバーのバックアップに失敗しました（pg_dump: {why[-1] if why else done.returncode}）",
                reason="pg_dump",
            )
        os.replace(tmp, target)
    except subprocess.TimeoutExpired as exc:
        raise StoreError(
            "サーバーのバックアップが時間内に終わりませんでした", reason="pg_dump"
        ) from exc
    finally:
        staging.discard(tmp)
