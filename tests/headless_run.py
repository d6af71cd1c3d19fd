"""The headless layers' tests (domain, store, workbook, services, cli) in a child pytest with
PySide6 unimportable (tests/no_qt.py) and pytest-qt off, so no indirect import of Qt creeps in.

The machine has two cores and the main run uses one: conftest starts the child when the main
run has collected the test that checks it, and that test waits for it (bounded). Run alone,
the test starts it itself. A child still running when the session ends is killed."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parent.parent
HEADLESS = ["tests/domain", "tests/store", "tests/workbook", "tests/services", "tests/cli"]
LIMIT_S = 900.0  # from its start: a hung child is killed, the test fails with what it printed

_proc: subprocess.Popen | None = None
_out: IO[str] | None = None
_started = 0.0


def command(*args: str) -> list[str]:
    plugins = ["-p", "no:pytest-qt", "-p", "no_qt", "-p", "no:cacheprovider"]
    warn = ["-W", "ignore::pytest.PytestConfigWarning"]
    return [sys.executable, "-m", "pytest", "-q", *plugins, *warn, *args]


def environment() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "tests")}
    env.pop("PYTEST_ADDOPTS", None)
    return env


def start() -> None:
    global _proc, _out, _started
    if _proc is not None:
        return
    base = Path(tempfile.mkdtemp(prefix="kd-headless-"))
    _out = open(base / "output.txt", "w+", encoding="utf-8")  # noqa: SIM115 (kept open)
    _started = time.monotonic()
    _proc = subprocess.Popen(
        command("--basetemp", str(base / "run"), *HEADLESS),
        cwd=REPO,
        env=environment(),
        stdout=_out,
        stderr=subprocess.STDOUT,
        text=True,
    )


def result() -> tuple[int, str]:
    """The child's exit code and output, waiting at most until LIMIT_S after its start."""
    start()
    assert _proc is not None and _out is not None
    left = max(1.0, LIMIT_S - (time.monotonic() - _started))
    try:
        code = _proc.wait(timeout=left)
    except subprocess.TimeoutExpired:
        stop()
        code = -9
    _out.seek(0)
    return code, _out.read()


def stop() -> None:
    if _proc is not None and _proc.poll() is None:
        _proc.kill()
        _proc.wait(timeout=30)
